-- Intermediate (int_*): the register's rows the plan's age rules read (五个坚决不能发生 student_use, 零死角
-- minor_involvement), taken in one pass so those marts do not each rescan the 1.2 M-row register: the rows of
-- persons found in the snapshot's own year under 19 (newly found, or found again: last_found_date, 最近查获日期),
-- and every row of persons with a positive hair test.
-- found_in_year: the person's first finding within the snapshot's year (first_found_date or last_found_date,
-- the earlier of those in the year): a pupil or minor already on the register who is caught again in the year
-- is an event of that year too.
-- The warehouse keeps no birth date: a mart derives the age at an event from age_years at the snapshot less
-- the whole years between the event and the snapshot (floor of days ÷ 365.25).
create or replace table int_registry_ages as
with registry as (
    select * from fact_registry
),

final as (
    select
        snapshot_date,
        person_key,
        age_years,
        coalesce(is_student, false) as is_student,
        least(case when year(first_found_date) = year(snapshot_date) then first_found_date end,
              case when year(last_found_date) = year(snapshot_date) then last_found_date end) as found_in_year
    from registry
    -- found in the snapshot's year, young enough for either rule (within one calendar year the age at finding
    -- is the age at the snapshot), or tested positive
    where (found_in_year is not null and age_years < 19)
       or person_key in (select person_key from int_hair_tests where positive)
)

select * from final;
