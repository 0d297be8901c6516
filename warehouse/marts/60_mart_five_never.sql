-- 五个坚决不能发生: the five events that must not happen, counted per year (domain.md §5; plan §三).
--
-- The plan's words (§三) are in domain/five_never.csv (clause_text) and carried here. Only the banner's cases
-- count: outflow records (township 外地) are events elsewhere.
-- manufacturing        "制造毒品案件或者非法生产制毒物品案件": cases of type manufacturing or precursor_production;
--                      trading or transporting precursors (type precursor) is not this event
-- mass_cultivation     cultivation cases with plants at or above domain/five_never.csv's threshold (≥ 500:
--                      499 plants is not mass cultivation, 500 is)
-- user_incident_major  user_incident cases of severity major
-- out_of_control_crime "脱管失控吸毒人员引起的重大违法犯罪案件": criminal cases involving an out-of-control user
--                      and of severity major
-- student_use          "在校中小学生": distinct persons younger than five_never.csv's age line (19) at the event
--                      who are students found in the year, newly or again (registry: first_found_date or
--                      last_found_date in the year, flagged is_student in a snapshot of that year; the age at the
--                      year's first finding) or tested positive in hair group student in the year
--                      (the same person in both counts once). The warehouse keeps no birth date: the age at the
--                      event is the registry's age_years at the person's latest snapshot less the whole years
--                      between the event and that snapshot. A tested student absent from the registry has no
--                      known age and counts (the group is 在校学生: nothing shows a university student).
-- as_of: the last date the event's input covers (the cases' period end; for student_use the later of the
-- year's last registry snapshot and last hair test).
-- quarantined: quarantined cases rows that could be the event (int_quarantined_cases, by
-- domain/quarantine_checks.csv; a mass cultivation is named on 零漏管's cultivation check, which takes any size).
-- undecided: the year's cases that a blank field leaves open (they could be the event and nothing says they are
-- not): a cultivation case without its plant count, a user incident without its severity, a criminal case without
-- the out-of-control flag or the severity that could still make it the event. Nothing found while one is open is
-- no_data, never none: "坚决不能发生" cannot be reported as not happened on a case that may be it.
-- Years: every year with a case, a registry snapshot or a hair test. has_data is false when the year lacks
-- the input (the cases extract; for student_use both a registry snapshot that fills 是否在校学生 for someone, and
-- hair tests; one person's blank is not a student): a count of 0 then proves nothing, and the status is no_data;
-- an event found (a positive student's hair test in a year without a registry snapshot) has occurred all the same.
create or replace table mart_five_never as
with events as (
    select
        event,
        clause,
        clause_text,
        description_zh,
        description_en,
        operator,
        threshold::double as threshold
    from ref_five_never
),

cases as (
    select * from fact_cases where township_code is distinct from '外地'
),

student_age_line as (
    select threshold from events where event = 'student_use'
),

registry_years as (   -- from the facts, so that this mart need not wait for the registry mart
    select
        year(snapshot_date)::integer as year,
        max(snapshot_date) as last_snapshot,
        bool_or(is_student is not null) as students_recorded   -- 是否在校学生 filled for anyone in the year
    from fact_registry
    group by 1
),

years as (
    select distinct year(filed_date)::integer as year from cases
    union
    select year from registry_years
    union
    select distinct year(collection_date)::integer from fact_hair
),

case_years as (
    select distinct year(filed_date)::integer as year from cases
),

hair_years as (
    select year(collection_date)::integer as year, max(collection_date) as last_test from fact_hair group by 1
),

case_events as (
    select
        year(filed_date)::integer as year,
        case
            when case_type in ('manufacturing', 'precursor_production') then 'manufacturing'
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
    where category = 'criminal' and involves_out_of_control_user and severity = 'major'
),

undecided_cases as (
    select
        year(filed_date)::integer as year,
        case
            when case_type = 'cultivation' and plants is null then 'mass_cultivation'
            when case_type = 'user_incident' and severity is null then 'user_incident_major'
        end as event,
        case_id
    from cases
    union all
    select year(filed_date)::integer, 'out_of_control_crime', case_id
    from cases
    where category = 'criminal' and (involves_out_of_control_user is null or severity is null)
      and coalesce(involves_out_of_control_user, true) and coalesce(severity, 'major') = 'major'
),

undecided as (
    select year, event, list(case_id order by case_id) as undecided
    from undecided_cases
    where event is not null
    group by all
),

student_positive_samples as (
    select distinct year, person_key, sample_id, collection_date
    from int_hair_tests
    where subject_group = 'student' and positive
),

tested_ages as (   -- the tested students' latest registry age (most are not on the register)
    select person_key, max(snapshot_date) as snapshot_date, arg_max(age_years, snapshot_date) as age_years
    from int_registry_ages
    where person_key in (select person_key from student_positive_samples)
    group by person_key
),

student_registry as (
    select distinct
        year(found_in_year)::integer as year,
        person_key
    from int_registry_ages
    where is_student and found_in_year is not null
      and coalesce(age_years - floor((snapshot_date - found_in_year) / 365.25), 0)
          < (select threshold from student_age_line)
),

student_persons as (
    select samples.year, samples.person_key, 'hair:' || samples.sample_id as evidence
    from student_positive_samples as samples
    left join tested_ages using (person_key)
    where coalesce(tested_ages.age_years - floor((tested_ages.snapshot_date - samples.collection_date) / 365.25), 0)
          < (select threshold from student_age_line)
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

at_risk as (   -- quarantined case rows that could be one of these events (int_quarantined_cases)
    select years.year, rows."check" as event, list(distinct rows.row_ref order by rows.row_ref) as quarantined
    from years
    join int_quarantined_cases as rows on rows.year is null or rows.year = years.year
    group by all
),

grid as (
    select
        years.year,
        events.*,
        case
            when events.event = 'student_use'
                then coalesce(registry_years.students_recorded, false) and hair_years.year is not null
            else case_years.year is not null
        end as has_data,
        case
            when events.event = 'student_use' then greatest(registry_years.last_snapshot, hair_years.last_test)
            else case_periods.period_end
        end as as_of
    from years
    cross join events
    left join case_years on case_years.year = years.year
    left join registry_years on registry_years.year = years.year
    left join hair_years on hair_years.year = years.year
    left join mart_cases_year as case_periods on case_periods.year = years.year
),

final as (
    select
        grid.year,
        grid.event,
        grid.has_data,
        coalesce(counts.count, 0) as count,
        case   -- an event found is an event, whatever input the year lacks besides
            when coalesce(counts.count, 0) > 0 then 'occurred'
            when not grid.has_data or undecided.undecided is not null then 'no_data'
            else 'none'
        end as status,
        coalesce(counts.evidence, []::varchar[]) as evidence,
        grid.as_of,
        grid.clause,
        grid.clause_text,
        grid.description_zh,
        grid.description_en,
        coalesce(at_risk.quarantined, []) as quarantined,
        coalesce(undecided.undecided, []::varchar[]) as undecided
    from grid
    left join counts on counts.year = grid.year and counts.event = grid.event
    left join at_risk on at_risk.year = grid.year and at_risk.event = grid.event
    left join undecided on undecided.year = grid.year and undecided.event = grid.event
)

select * from final
order by year, event;
