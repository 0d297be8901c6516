-- The banner's work indicators by year (the indicators extract, unit 150823), one row per year and indicator.
-- A later file replaces an earlier one's value for the same key at load, so each key holds one value.
-- Read by mart_four_up_four_down and mart_six_zero_checks.
-- source_en: the source in English when it names one of the plan's units (domain/unit_names.csv, an alias through
--   domain/units.csv), else as the extract gives it.
--
-- A year's value is its annual figure (period 'YYYY'); without one, the latest half-year figure ('YYYYH2',
-- else 'YYYYH1') stands for the year so far (plan §五 asks for half-year reports; they report the year to
-- date). as_of is the last day the value covers (31 December, or 30 June for H1); partial marks a half-year
-- value. Quarterly periods are not read here.
-- previous_value: the previous year's value over the same period (domain.md §5: "against the same period of the
--   previous year"): a first-half figure beside the previous year's first half, an annual (or H2) figure beside
--   the previous year's annual (else H2) figure; never a part year beside a whole one (null when the previous
--   year has no figure for that period). previous_period names the period compared (for "常态增长机制" and
--   四升四降's awareness and satisfaction rates).
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

same_period as (   -- each (year, indicator, period end) once: the annual figure, else H2 for 31 December
    select year, indicator, as_of, arg_max(value, rank) as value, arg_max(period, rank) as period
    from periods
    group by year, indicator, as_of
),

final as (
    select
        chosen.*,
        coalesce(unit_names.name_en, chosen.source) as source_en,
        previous.value as previous_value,
        previous.period as previous_period
    from chosen
    left join same_period as previous
        on previous.indicator = chosen.indicator
       and previous.year = chosen.year - 1
       and previous.as_of = (chosen.as_of - interval 1 year)::date
    left join ref_units as aliases on aliases.alias = trim(chosen.source)
    left join ref_unit_names as unit_names on unit_names.unit = coalesce(aliases.unit, trim(chosen.source))
)

select * from final;
