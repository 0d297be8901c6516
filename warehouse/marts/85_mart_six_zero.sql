-- 六个零目标 per year: one status per target from its checks (mart_six_zero_checks), with the checks behind
-- it and, for a target not met, the plan's tasks and lead units to supervise (domain/plan-tasks.csv).
--
-- status: not_met when any check fails (even if others lack data: it is known not to be met); otherwise
-- no_data when any check lacks its input (a missing input never passes for met); met when every check passes.
-- provisional: the warehouse's newest dated fact (wastewater sample, hair test, registry snapshot, case) is
-- before the end of the year, so the year is still open.
create or replace table mart_six_zero as
with checks as (
    select * from mart_six_zero_checks
),

names as (
    select target, any_value(target_zh) as target_zh, any_value(target_en) as target_en,
           min(rowid) as target_order
    from ref_targets
    group by target
),

tasks as (
    select
        target,
        list(task || ' ' || title order by string_split(task, '.')[2]::integer) as plan_tasks
    from ref_plan_tasks
    group by target
),

lead_units as (
    select target, list(unit order by first_task, first_position) as lead_units
    from (
        select target, unit, min(task_order) as first_task, arg_min(position, task_order) as first_position
        from (
            select
                target,
                unnest(string_split(lead_units, ';')) as unit,
                generate_subscripts(string_split(lead_units, ';'), 1) as position,
                string_split(task, '.')[2]::integer as task_order
            from ref_plan_tasks
        )
        group by target, unit
    )
    group by target
),

data_as_of as (
    select greatest(
        (select max(sample_date) from fact_wastewater),
        (select max(collection_date) from fact_hair),
        (select max(snapshot_date) from mart_registry_township),
        (select max(filed_date) from fact_cases)
    ) as as_of
),

rolled as (
    select
        year,
        target,
        count(*) as checks_total,
        count(*) filter (where result = 'pass') as checks_passed,
        count(*) filter (where result = 'fail') as checks_failed,
        count(*) filter (where result = 'no_data') as checks_no_data,
        coalesce(list("check" order by check_order) filter (where result = 'fail'), []::varchar[])
            as failed_checks,
        coalesce(list("check" order by check_order) filter (where result = 'no_data'), []::varchar[])
            as no_data_checks,
        list({'check': "check", 'result': result, 'value': value, 'operator': operator,
              'threshold': threshold, 'evidence': evidence} order by check_order) as checks
    from checks
    group by year, target
),

final as (
    select
        rolled.year,
        rolled.target,
        names.target_zh,
        names.target_en,
        case
            when checks_failed > 0 then 'not_met'
            when checks_no_data > 0 then 'no_data'
            else 'met'
        end as status,
        failed_checks,
        no_data_checks,
        checks_total,
        checks_passed,
        checks_failed,
        checks_no_data,
        checks,
        case when checks_failed > 0 then tasks.plan_tasks end as plan_tasks,
        case when checks_failed > 0 then lead_units.lead_units end as lead_units,
        data_as_of.as_of as data_as_of,
        coalesce(data_as_of.as_of < make_date(rolled.year, 12, 31), true) as provisional,
        names.target_order
    from rolled
    join names using (target)
    left join tasks using (target)
    left join lead_units using (target)
    cross join data_as_of
)

select * exclude (target_order) from final
order by year, target_order;
