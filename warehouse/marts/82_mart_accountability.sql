-- Whom to supervise (督导): every item the plan's rules flag in a year, named with the task that owns it and
-- that task's units, one row per unit (domain.md §5 accountability, revised; plan §四 and plan-tasks.csv).
--
-- Items: a check of mart_six_zero_checks that failed or has no data (reason fail / no_data), a five-never event
-- that occurred (mart_five_never), a 四升四降 indicator not achieved (mart_four_up_four_down). Each maps to its
-- own task through domain/check_tasks.csv, never to the union of its target's four. Unit names are normalised
-- through domain/units.csv (旗禁毒委 = 旗禁毒委员会); a unit listed twice in one role of a task appears once.
create or replace table mart_accountability as
with flagged as (
    select year, 'check' as kind, "check" as item, result as reason from mart_six_zero_checks
    where result in ('fail', 'no_data')
    union all
    select year, 'event', event, 'occurred' from mart_five_never where status = 'occurred'
    union all
    select year, 'indicator', indicator, 'not_achieved' from mart_four_up_four_down where status = 'not_achieved'
),

owned as (
    select flagged.*, owners.task
    from flagged
    join ref_check_tasks as owners on owners.kind = flagged.kind and owners.code = flagged.item
),

task_units as (
    select task, target, title, role, trim(unit) as unit, position
    from (
        select task, target, title, 'lead' as role,
               unnest(string_split(lead_units, ';')) as unit,
               generate_subscripts(string_split(lead_units, ';'), 1) as position
        from ref_plan_tasks
        union all
        select task, target, title, 'responsible',
               unnest(string_split(responsible_units, ';')),
               generate_subscripts(string_split(responsible_units, ';'), 1)
        from ref_plan_tasks
    )
),

normalised as (
    select task, target, title, role, coalesce(aliases.unit, task_units.unit) as unit, min(position) as unit_order
    from task_units
    left join ref_units as aliases on aliases.alias = task_units.unit
    where task_units.unit <> ''
    group by all
),

final as (
    select
        owned.year,
        owned.kind,
        owned.item,
        owned.reason,
        owned.task,
        normalised.target as task_target,
        normalised.title as task_title,
        normalised.role,
        normalised.unit,
        normalised.unit_order
    from owned
    join normalised using (task)
)

select * from final
order by year, kind, item, role, unit_order;
