-- Drug cases and incidents by quarter of filing, township, case type and drug (contract.md §4).
-- Seizures stay in grams in seized_g; seized_display is the same amount in the substance's display unit
-- (domain/substances.csv seizure_unit: kilograms for caffeine and 安钠咖, grams otherwise).
-- Outflow records (township 外地: local people caught elsewhere) are not the banner's cases: they land on rows
-- with township_code 'outside' that carry their outflow_suspects and 0 in every other measure, so summing
-- cases over townships gives the banner's own cases (contract.md §4, revised).
create or replace table mart_cases_quarter as
with cases as (
    select
        * replace (case when township_code = '外地' then 'outside' else township_code end as township_code),
        township_code is distinct from '外地' as banner_case
    from fact_cases
),

units as (
    select code, coalesce(seizure_unit, 'g') as seizure_unit from ref_substances
),

grouped as (
    select
        year(filed_date) || 'Q' || quarter(filed_date) as quarter,
        year(filed_date)::integer as year,
        township_code,
        case_type,
        coalesce(drug, 'unspecified') as drug,
        count(*) filter (where banner_case) as cases,
        count(*) filter (where banner_case and category = 'criminal') as criminal_cases,
        count(*) filter (where banner_case and category = 'administrative') as administrative_cases,
        count(*) filter (where banner_case and solved_date is not null) as solved_cases,
        count(*) filter (where banner_case and target_level in ('ministry', 'region')) as target_cases,
        coalesce(sum(suspects) filter (where banner_case), 0)::bigint as suspects,
        coalesce(sum(minor_suspects) filter (where banner_case), 0)::bigint as minor_suspects,
        coalesce(sum(outflow_suspects), 0)::bigint as outflow_suspects,
        coalesce(sum(seized_g) filter (where banner_case), 0) as seized_g,
        coalesce(sum(plants) filter (where banner_case), 0)::bigint as plants
    from cases
    group by all
),

final as (
    select
        grouped.*,
        coalesce(units.seizure_unit, 'g') as seizure_unit,
        case when units.seizure_unit = 'kg' then seized_g / 1000 else seized_g end as seized_display
    from grouped
    left join units on units.code = grouped.drug
)

select * from final
order by quarter, township_code, case_type, drug;
