-- The banner's work indicators by year (the indicators extract, unit 150823), one row per year and indicator.
-- A later file replaces an earlier one's value for the same key at load, so each key holds one value.
-- Read by mart_four_up_four_down and mart_six_zero_checks.
--
-- A year's value is its annual figure (period 'YYYY'); without one, the latest half-year figure ('YYYYH2',
-- else 'YYYYH1') stands for the year so far (plan §五 asks for half-year reports; they report the year to
-- date). as_of is the last day the value covers (31 December, or 30 June for H1); partial marks a half-year
-- value. Quarterly periods are not read here.
-- previous_value: the previous year's value (for "常态增长机制": the budget not below the previous year).
create or replace table int_indicators_year as
with indicators as (
    select * from fact_indicators
),

periods as (
    select
        period[1:4]::integer as year,
        indicator,
        value,
        source,
        case
            when regexp_full_match(period, '\d{4}') then 3
            when regexp_full_match(period, '\d{4}H2') then 2
            else 1
        end as rank,
        case
            when regexp_full_match(period, '\d{4}H1') then make_date(period[1:4]::integer, 6, 30)
            else make_date(period[1:4]::integer, 12, 31)
        end as as_of,
        period
    from indicators
    where unit_code = '150823' and regexp_full_match(period, '\d{4}(H[12])?')
),

chosen as (
    select
        year,
        indicator,
        arg_max(value, rank) as value,
        arg_max(source, rank) as source,
        arg_max(period, rank) as period,
        arg_max(as_of, rank) as as_of,
        max(rank) < 3 as partial
    from periods
    group by year, indicator
),

final as (
    select
        chosen.*,
        previous.value as previous_value
    from chosen
    left join chosen as previous on previous.indicator = chosen.indicator and previous.year = chosen.year - 1
)

select * from final;
