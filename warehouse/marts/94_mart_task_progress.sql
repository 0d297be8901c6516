-- The supervision matrix (督导台账): each task × each unit that leads or answers for it (collectives expanded,
-- ref_task_units), with the unit's latest report on that task of any kind (latest period, then latest report
-- date). Units that never reported on a task keep their row with empty progress; townships appear once they
-- report. `late_reports` counts the unit's monthly reports and quarterly summaries on the task that came late.
create or replace table mart_task_progress as
with ranked as (
    select
        *,
        row_number() over (partition by unit, task order by left(period, 4) desc,
                           coalesce(due_date, reported_date) desc, reported_date desc, source_row desc) as recency
    from fact_task_reports
),

counts as (
    select unit, task, count(*) as reports, count(*) filter (where late) as late_reports
    from fact_task_reports
    group by unit, task
),

pairs as (
    select task, unit, role from ref_task_units where reporter
    union
    select distinct r.task, r.unit, coalesce(u.role, 'responsible')
    from fact_task_reports as r
    left join ref_task_units as u on u.task = r.task and u.unit = r.unit
),

final as (
    select
        pairs.task,
        tasks.target as task_target,
        tasks.title as task_title,
        pairs.unit,
        pairs.role,
        latest.period,
        latest.kind,
        latest.reported_date,
        latest.progress,
        latest.done_text,
        latest.problems,
        latest.next_steps,
        coalesce(counts.reports, 0) as reports,
        coalesce(counts.late_reports, 0) as late_reports
    from pairs
    join ref_plan_tasks as tasks on tasks.task = pairs.task
    left join ranked as latest on latest.unit = pairs.unit and latest.task = pairs.task and latest.recency = 1
    left join counts on counts.unit = pairs.unit and counts.task = pairs.task
)

select * from final
order by string_split(task, '.')[1]::integer, string_split(task, '.')[2]::integer, role, unit;
