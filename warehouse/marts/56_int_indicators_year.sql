-- The banner's yearly work indicators (the indicators extract, unit 150823, yearly periods), one row per
-- year and indicator. A later file replaces an earlier one's value for the same key at load, so each key
-- holds one value. Read by mart_four_up_four_down and mart_six_zero_checks.
create or replace table int_indicators_year as
with indicators as (
    select * from fact_indicators
),

final as (
    select
        period::integer as year,
        indicator,
        value,
        source
    from indicators
    where unit_code = '150823' and regexp_full_match(period, '\d{4}')
)

select * from final;
