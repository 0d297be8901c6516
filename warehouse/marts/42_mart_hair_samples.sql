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

by_area as (
    select
        quarter,
        year,
        grouping(township_code) = 1 as banner,
        coalesce(township_code, '150823') as township_code,
        subject_group,
        count(*) as samples,
        count(distinct person_key) as persons,
        count(*) filter (where positive) as positive_samples,
        count(distinct person_key) filter (where positive) as positive_persons,
        count(distinct person_key) filter (where quarter = first_in_township) as new_in_township,
        count(distinct person_key) filter (where quarter = first_in_banner) as new_in_banner,
        count(distinct person_key) filter (where quarter = first_positive_in_township) as new_positive_in_township,
        count(distinct person_key) filter (where quarter = first_positive_in_banner) as new_positive_in_banner,
        sum(test_items)::bigint as test_items
    from firsts
    group by grouping sets ((quarter, year, township_code, subject_group), (quarter, year, subject_group))
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
        case when banner then new_in_banner else new_in_township end as new_persons_in_year,
        case when banner then new_positive_in_banner else new_positive_in_township end
            as new_positive_persons_in_year,
        test_items
    from by_area
)

select * from final
order by quarter, area_level, township_code, subject_group;
