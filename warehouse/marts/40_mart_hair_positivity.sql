-- Hair tests by quarter of collection, township, subject group and substance (contract.md §4), from the
-- test-by-test judgement of int_hair_tests.
--
-- A test is positive when its concentration is at or above the substance's cut-off in domain/substances.csv
-- (公安部《涉毒人员毛发样本检测规范》2018, art. 9: "≥ cut-off" — a value exactly at the cut-off is positive);
-- not detected counts as 0. The lab's own result is kept only to count disagreements with that rule. For a
-- substance without a cut-off the lab's result is used and counted in tested_without_cutoff.
-- Outside the registry: the person's pseudonym (person_key) appears in no registry snapshot loaded; null when no
-- registry snapshot has been loaded at all (nothing to match against).
create or replace table mart_hair_positivity as
with tests as (
    select * from int_hair_tests
),

-- One row per person first: persons are then counted as rows, without distinct counts (the costly part here).
per_person as (
    select
        quarter,
        year,
        township_code,
        subject_group,
        substance,
        person_key,
        any_value(cutoff_ng_mg) as cutoff_ng_mg,
        count(*) as tested,
        count(*) filter (where positive) as positive,
        count(positive) as determined,
        count(*) filter (where positive is null) as undetermined,
        count(*) filter (where judged_by = 'lab_result') as tested_without_cutoff,
        count(*) filter (where lab_result = 'positive') as lab_positive,
        count(*) filter (where lab_disagrees) as lab_disagreements,
        bool_or(positive) as positive_person,
        bool_or(positive and not in_registry) as positive_outside_registry,
        bool_or(in_registry is null) as registry_unknown
    from tests
    group by quarter, year, township_code, subject_group, substance, person_key
),

final as (
    select
        quarter,
        year,
        township_code,
        subject_group,
        substance,
        any_value(cutoff_ng_mg) as cutoff_ng_mg,
        sum(tested)::bigint as tested,
        sum(positive)::bigint as positive,
        100.0 * sum(positive) / nullif(sum(determined), 0) as positivity_rate,
        sum(undetermined)::bigint as undetermined,
        sum(tested_without_cutoff)::bigint as tested_without_cutoff,
        sum(lab_positive)::bigint as lab_positive,
        sum(lab_disagreements)::bigint as lab_disagreements,
        count(person_key) as persons_tested,
        count(person_key) filter (where positive_person) as persons_positive,
        case
            when bool_or(registry_unknown) then null
            else count(person_key) filter (where positive_outside_registry)
        end as positive_outside_registry
    from per_person
    group by quarter, year, township_code, subject_group, substance
)

select * from final
order by quarter, township_code, subject_group, substance;
