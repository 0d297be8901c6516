-- Intermediate (int_*): the day the warehouse's data reach, one row. It is the newest dated fact of any
-- source (a wastewater sample, a hair test, a registry snapshot, a case filed): a year it does not reach the
-- end of is a year in progress. mart_cases_year, mart_six_zero_checks and mart_six_zero all read this one day,
-- so "as of" means the same everywhere.
create or replace table int_data_as_of as
with final as (
    select greatest(
        (select max(sample_date) from fact_wastewater),
        (select max(collection_date) from fact_hair),
        (select max(snapshot_date) from fact_registry),
        (select max(filed_date) from fact_cases)
    ) as as_of
)

select * from final;
