-- Drug cases and incidents by quarter of filing, township, case type and drug (contract.md §4).
create or replace table mart_cases_quarter as
with cases as (
    select * from fact_cases
),

final as (
    select
        year(filed_date) || 'Q' || quarter(filed_date) as quarter,
        year(filed_date)::integer as year,
        township_code,
        case_type,
        coalesce(drug, 'unspecified') as drug,
        count(*) as cases,
        count(*) filter (where category = 'criminal') as criminal_cases,
        count(*) filter (where category = 'administrative') as administrative_cases,
        count(*) filter (where solved_date is not null) as solved_cases,
        count(*) filter (where target_level in ('ministry', 'region')) as target_cases,
        coalesce(sum(suspects), 0)::bigint as suspects,
        coalesce(sum(minor_suspects), 0)::bigint as minor_suspects,
        coalesce(sum(outflow_suspects), 0)::bigint as outflow_suspects,
        coalesce(sum(seized_g), 0) as seized_g,
        coalesce(sum(plants), 0)::bigint as plants
    from cases
    group by all
)

select * from final
order by quarter, township_code, case_type, drug;
