-- 六个零目标 per year: one status per target from its checks (mart_six_zero_checks), with the checks behind
-- it and, for a target not met or without data, the tasks that own its flagged checks and their lead units to
-- supervise (mart_accountability: each check's own task, never the union of the target's four). Tasks are
-- numbers and units Chinese names: the app and the briefings name them in the reader's language.
--
-- status: not_met when any check fails (even if others lack data: it is known not to be met); otherwise
-- no_data when any check lacks its input (a missing input never passes for met); otherwise pending when a
-- check waits on a period of a year in progress not reached yet; met when every check passes.
-- as_of: the last date the target's inputs cover (the latest as_of of its checks).
-- provisional: the warehouse's newest dated fact (wastewater sample, hair test, registry snapshot, case) is
-- before the end of the year, so the year is still open.
-- quarantined: quarantined case rows that could change one of its checks (see mart_six_zero_checks).
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

rolled as (
    select
        year,
        target,
        count(*) as checks_total,
        count(*) filter (where result = 'pass') as checks_passed,
        count(*) filter (where result = 'fail') as checks_failed,
        count(*) filter (where result = 'no_data') as checks_no_data,
        count(*) filter (where result = 'pending') as checks_pending,
        coalesce(list("check" order by check_order) filter (where result = 'fail'), []::varchar[])
            as failed_checks,
        coalesce(list("check" order by check_order) filter (where result = 'no_data'), []::varchar[])
            as no_data_checks,
        coalesce(list("check" order by check_order) filter (where result = 'pending'), []::varchar[])
            as pending_checks,
        list({'check': "check", 'result': result, 'value': value, 'operator': operator,
              'threshold': threshold, 'evidence_zh': evidence_zh, 'evidence_en': evidence_en, 'task': task, 'clause_text': clause_text}
             order by check_order) as checks,
        max(as_of) as as_of,
        bool_or(in_progress) as provisional,
        list_sort(list_distinct(flatten(list(quarantined)))) as quarantined
    from checks
    group by year, target
),

statused as (
    select
        rolled.*,
        case
            when checks_failed > 0 then 'not_met'
            when checks_no_data > 0 then 'no_data'
            when checks_pending > 0 then 'pending'
            else 'met'
        end as status
    from rolled
),

supervised as (   -- the tasks of the checks behind the status: failed ones when not met, else the no-data ones
    select
        statused.year,
        statused.target,
        list(distinct accountable.task order by accountable.task) as plan_tasks,
        list(distinct accountable.unit order by accountable.unit) filter (where accountable.role = 'lead') as lead_units
    from statused
    join mart_six_zero_checks as c on c.year = statused.year and c.target = statused.target
    join mart_accountability as accountable
        on accountable.kind = 'check' and accountable.year = c.year and accountable.item = c."check"
    where (statused.status = 'not_met' and c.result = 'fail') or (statused.status = 'no_data' and c.result = 'no_data')
    group by statused.year, statused.target
),

data_as_of as (
    select as_of from int_data_as_of
),

final as (
    select
        statused.year,
        statused.target,
        names.target_zh,
        names.target_en,
        statused.status,
        failed_checks,
        no_data_checks,
        pending_checks,
        checks_total,
        checks_passed,
        checks_failed,
        checks_no_data,
        checks_pending,
        checks,
        supervised.plan_tasks,
        supervised.lead_units,
        statused.as_of,
        data_as_of.as_of as data_as_of,
        coalesce(statused.provisional, true) as provisional,
        statused.quarantined,
        names.target_order
    from statused
    join names using (target)
    left join supervised using (year, target)
    cross join data_as_of
)

select * exclude (target_order) from final
order by year, target_order;
