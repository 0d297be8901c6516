-- Monthly reporting compliance of the plan's member units (督导台账; contract.md §4; plan §七(五): "各部门要于
-- 每月25日前向旗创城办报送创建工作进展情况"). One row per unit due to report (ref_task_units.reporter) × month,
-- from the first month any monthly report names through the month of the latest report received (`as_of`: the
-- ledger is as current as its last load, not the clock). A month's first monthly report, on any task, decides
-- it: on_time by the deadline day (domain/supervision_calendar.yaml), late after it, missing when none came,
-- not_due while the deadline is after as_of. Quarterly summaries and ad-hoc reports do not count here.
create or replace table mart_task_compliance as
with reporters as (
    select distinct unit from ref_task_units where reporter
),

bounds as (
    select
        min(make_date(left(period, 4)::integer, substr(period, 6, 2)::integer, 1)) as first_month,
        date_trunc('month', max(reported_date))::date as last_month,
        max(reported_date) as as_of
    from fact_task_reports
    where kind = 'monthly'
),

months as (
    select strftime(month, '%Y-%m') as period, as_of,
           make_date(year(month), month(month), (select deadline_day from ref_report_calendar)) as due_date
    from bounds, unnest(generate_series(first_month, last_month, interval 1 month)) as m(month)
),

firsts as (
    select unit, period, min(reported_date) as reported_date, count(distinct task) as tasks_reported
    from fact_task_reports
    where kind = 'monthly'
    group by unit, period
),

final as (
    select
        reporters.unit,
        months.period,
        months.due_date,
        firsts.reported_date,
        case
            when firsts.reported_date <= months.due_date then 'on_time'
            when firsts.reported_date is not null then 'late'
            when months.due_date >= months.as_of then 'not_due'
            else 'missing'
        end as status,
        coalesce(firsts.tasks_reported, 0) as tasks_reported,
        months.as_of
    from reporters
    cross join months
    left join firsts on firsts.unit = reporters.unit and firsts.period = months.period
)

select * from final
order by period, unit;
