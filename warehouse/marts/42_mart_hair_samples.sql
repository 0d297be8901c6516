-- Hair tests counted as the plan counts them (domain.md §5, counting units; contract.md §4): by sample and by
-- person, per quarter of collection, township and subject group, plus rows with township_code '150823' for
-- the whole banner (persons counted once across townships).
--
-- One sample is one person on one date; it is positive when any of its substances is positive in
-- int_hair_tests (at or above the cut-off; the lab's result for a substance without one). Sample × substance
-- rows (mart_hair_positivity) are 检测项次 (test items), never these headline counts.
-- positivity_rate = positive samples ÷ samples × 100.
-- persons are distinct within the quarter; new_persons_in_year counts those tested for the first time in the
-- year (in that township, or in the banner, and group), so summing it over Q1..Qn gives the distinct persons
-- of the year so far; new_positive_persons_in_year likewise for the first positive sample of the year.
create or replace table mart_hair_samples as
with samples as (
    select
        sample_id,
        any_value(quarter) as quarter,
        any_value(year) as year,
        any_value(township_code) as township_code,
        any_value(subject_group) as subject_group,
        any_value(person_key) as person_key,
        count(*) as test_items,
        coalesce(bool_or(positive), false) as positive
    from int_hair_tests
    group by sample_id
),

firsts as (
    select
        *,
        min(quarter) over (partition by year, township_code, subject_group, person_key) as first_in_township,
        min(quarter) over (partition by year, subject_group, person_key) as first_in_banner,
        min(quarter) filter (where positive) over (partition by year, township_code, subject_group, person_key)
            as first_positive_in_township,
        min(quarter) filter (where positive) over (partition by year, subject_group, person_key)
            as first_positive_in_banner
    from samples
),

-- One row per person and area (each township, and the banner across townships) in a quarter and subject group:
-- persons are then counted as rows, without the distinct counts that cost most of this mart. A person seen
-- in two townships in a quarter is one person of the banner (the banner groups by person, not by township).
per_person as (
    select
        quarter, year, false as banner, coalesce(township_code, '150823') as township_code, subject_group,
        person_key,
        count(*) as samples,
        count(*) filter (where positive) as positive_samples,
        bool_or(positive) as positive,
        bool_or(quarter = first_in_township) as new_person,
        bool_or(quarter = first_positive_in_township) as new_positive_person,
        sum(test_items) as test_items
    from firsts
    group by quarter, year, township_code, subject_group, person_key
    union all
    select
        quarter, year, true, '150823', subject_group,
        person_key,
        count(*),
        count(*) filter (where positive),
        bool_or(positive),
        bool_or(quarter = first_in_banner),
        bool_or(quarter = first_positive_in_banner),
        sum(test_items)
    from firsts
    group by quarter, year, subject_group, person_key
),

by_area as (
    select
        quarter,
        year,
        banner,
        township_code,
        subject_group,
        sum(samples)::bigint as samples,
        count(person_key) as persons,
        sum(positive_samples)::bigint as positive_samples,
        count(person_key) filter (where positive) as positive_persons,
        count(person_key) filter (where new_person) as new_persons_in_year,
        count(person_key) filter (where new_positive_person) as new_positive_persons_in_year,
        sum(test_items)::bigint as test_items
    from per_person
    group by quarter, year, banner, township_code, subject_group
),

final as (
    select
        quarter,
        year,
        township_code,
        case when banner then 'banner' else 'township' end as area_level,
        subject_group,
        samples,
        persons,
        positive_samples,
        positive_persons,
        100.0 * positive_samples / samples as positivity_rate,
        new_persons_in_year,
        new_positive_persons_in_year,
        test_items
    from by_area
)

select * from final
order by quarter, area_level, township_code, subject_group;
