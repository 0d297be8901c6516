-- 五个坚决不能发生: the five events that must not happen, counted per year (domain.md §5; plan §三).
--
-- manufacturing        cases of type manufacturing or precursor filed in the year
-- mass_cultivation     cultivation cases with plants at or above domain/five_never.csv's threshold (≥ 500:
--                      499 plants is not mass cultivation, 500 is)
-- user_incident_major  user_incident cases of severity major
-- out_of_control_crime criminal cases involving an out-of-control user
-- student_use          distinct persons who are students and were newly found in the year (registry,
--                      first_found_date in the year, flagged is_student in a snapshot of that year) or tested
--                      positive in hair group student in the year (the same person in both counts once)
-- Years: every year with a case, a registry snapshot or a hair test. has_data is false when the year lacks
-- the input (the cases extract; for student_use both a registry snapshot and hair tests): the count is then 0
-- but proves nothing, and the status is no_data.
create or replace table mart_five_never as
with events as (
    select
        event,
        clause,
        description_zh,
        description_en,
        operator,
        threshold::double as threshold
    from ref_five_never
),

cases as (
    select * from fact_cases
),

years as (
    select distinct year(filed_date)::integer as year from cases
    union
    select distinct year from mart_registry_township
    union
    select distinct year(collection_date)::integer from fact_hair
),

case_years as (
    select distinct year(filed_date)::integer as year from cases
),

registry_years as (
    select distinct year from mart_registry_township
),

hair_years as (
    select distinct year(collection_date)::integer as year from fact_hair
),

case_events as (
    select
        year(filed_date)::integer as year,
        case
            when case_type in ('manufacturing', 'precursor') then 'manufacturing'
            when case_type = 'cultivation'
                 and coalesce(plants, 0) >= (select threshold from events where event = 'mass_cultivation')
                then 'mass_cultivation'
            when case_type = 'user_incident' and severity = 'major' then 'user_incident_major'
        end as event,
        case_id as evidence
    from cases
    union all
    select year(filed_date)::integer, 'out_of_control_crime', case_id
    from cases
    where category = 'criminal' and involves_out_of_control_user
),

student_positive_samples as (
    select year, person_key, sample_id
    from int_hair_tests
    where subject_group = 'student' and positive
),

student_registry as (
    select distinct
        year(first_found_date)::integer as year,
        person_key
    from fact_registry
    where is_student and year(first_found_date) = year(snapshot_date)
),

student_persons as (
    select year, person_key, 'hair:' || sample_id as evidence from student_positive_samples
    union all
    select year, person_key, 'registry' as evidence from student_registry
),

student_counts as (
    select
        year,
        'student_use' as event,
        count(distinct person_key) as count,
        list(distinct evidence order by evidence) as evidence
    from student_persons
    group by year
),

case_counts as (
    select
        year,
        event,
        count(*) as count,
        list(evidence order by evidence) as evidence
    from case_events
    where event is not null
    group by year, event
),

counts as (
    select * from case_counts
    union all
    select * from student_counts
),

grid as (
    select
        years.year,
        events.*,
        case
            when events.event = 'student_use' then registry_years.year is not null and hair_years.year is not null
            else case_years.year is not null
        end as has_data
    from years
    cross join events
    left join case_years on case_years.year = years.year
    left join registry_years on registry_years.year = years.year
    left join hair_years on hair_years.year = years.year
),

final as (
    select
        grid.year,
        grid.event,
        grid.has_data,
        coalesce(counts.count, 0) as count,
        case
            when not grid.has_data then 'no_data'
            when coalesce(counts.count, 0) = 0 then 'none'
            else 'occurred'
        end as status,
        coalesce(counts.evidence, []::varchar[]) as evidence,
        grid.clause,
        grid.description_zh,
        grid.description_en
    from grid
    left join counts on counts.year = grid.year and counts.event = grid.event
)

select * from final
order by year, event;
