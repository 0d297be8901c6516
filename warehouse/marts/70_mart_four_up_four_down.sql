-- 四升四降: eight indicators that must move in the plan's direction, each year against the same period of the
-- previous year (domain.md §5; plan §三; definitions in domain/four_up_four_down.csv).
--
-- Periods. Indicators: the annual value (period 'YYYY', unit 150823; the latest load wins). Registry: the
-- year's latest snapshot s0, and s1 / s2 = the latest snapshots of the two previous years dated no later than
-- s0 minus one / two years (the same period). Cases: mart_cases_year (1 January to the same day).
--   awareness_rate, satisfaction_rate   indicator values, Y against the same period of Y−1 (int_indicators_year:
--                                       a first-half figure beside the previous first half, never beside a whole year)
--   community_execution_rate            banner execution rate at s0 against s1
--   abstinent_3y_growth                 growth of the abstinent-3-years stock in %, s1→s0 against s2→s1
--   new_users_growth                    growth in % of users newly found in the year (up to the snapshot
--                                       day: newly_found_year at s0, s1, s2), Y against Y−1
--   minor_share                         minors among existing users (s0) and suspects (cases of the period),
--                                       in %: (minor users + minor suspects) ÷ (users + suspects)
--   outflow_traffickers                 outflow suspects of trafficking cases in the period (mart_cases_year)
--   user_crimes                         user crimes in the period (see mart_cases_year)
-- compared: the two periods set side by side (indicator periods, registry snapshot dates, or the cases' days of
-- each year), so a reader sees that like is compared with like.
-- as_of: the last date the indicator's inputs cover (the indicator's period end, the snapshot s0, the cases'
-- period end; for minor_share the earlier of the last two).
-- achieved: strictly up for 'up' and strictly down for 'down' ("上升"/"下降": an unchanged value is not
-- achieved), except a value held at its bound (100 % for rates, 0 for counts and the minors' share), which
-- cannot move further. A missing value on either side gives null (status no_data), never a false achievement.
create or replace table mart_four_up_four_down as
with definitions as (
    select
        indicator,
        direction,
        source,
        unit,
        bound::double as bound,
        clause,
        clause_text,
        description_zh,
        description_en
    from ref_four_up_four_down
),

indicator_values as (
    select * from int_indicators_year
),

banner as (
    select * from mart_registry_township where township_code = '150823'
),

as_of as (
    select year, max(snapshot_date) as s0 from banner group by year
),

same_period as (
    select
        as_of.year,
        as_of.s0,
        (select max(snapshot_date) from banner
         where banner.year = as_of.year - 1 and banner.snapshot_date <= (as_of.s0 - interval 1 year)::date) as s1,
        (select max(snapshot_date) from banner
         where banner.year = as_of.year - 2 and banner.snapshot_date <= (as_of.s0 - interval 2 year)::date) as s2
    from as_of
),

registry_years as (
    select
        same_period.year,
        same_period.s0,
        same_period.s1,
        b0.community_execution_rate as execution_0,
        b1.community_execution_rate as execution_1,
        100.0 * (b0.abstinent_3y - b1.abstinent_3y) / nullif(b1.abstinent_3y, 0) as abstinent_growth_0,
        100.0 * (b1.abstinent_3y - b2.abstinent_3y) / nullif(b2.abstinent_3y, 0) as abstinent_growth_1,
        100.0 * (b0.newly_found_year - b1.newly_found_year) / nullif(b1.newly_found_year, 0) as new_growth_0,
        100.0 * (b1.newly_found_year - b2.newly_found_year) / nullif(b2.newly_found_year, 0) as new_growth_1,
        b0.minors as minors_0,
        b0.existing_users as existing_0,
        b1.minors as minors_1,
        b1.existing_users as existing_1
    from same_period
    left join banner as b0 on b0.snapshot_date = same_period.s0
    left join banner as b1 on b1.snapshot_date = same_period.s1
    left join banner as b2 on b2.snapshot_date = same_period.s2
),

cases as (
    select *, compared_days_zh || ' / ' || compared_days_en as compared_days from mart_cases_year
),

years as (
    select year from indicator_values
    union
    select year from registry_years
    union
    select year from cases where has_data
),

measured as (
    select
        years.year,
        awareness.value as awareness_0,
        awareness.previous_value as awareness_1,
        satisfaction.value as satisfaction_0,
        satisfaction.previous_value as satisfaction_1,
        awareness.period || ' vs ' || coalesce(awareness.previous_period, '—') as awareness_compared,
        satisfaction.period || ' vs ' || coalesce(satisfaction.previous_period, '—') as satisfaction_compared,
        strftime(registry_years.s0, '%Y-%m-%d') || ' vs ' || coalesce(strftime(registry_years.s1, '%Y-%m-%d'), '—')
            as registry_compared,
        years.year || ' vs ' || (years.year - 1) || ', ' || cases.compared_days as cases_compared,
        strftime(registry_years.s0, '%Y-%m-%d') || ' vs ' || coalesce(strftime(registry_years.s1, '%Y-%m-%d'), '—')
            || '; ' || years.year || ' vs ' || (years.year - 1) || ', ' || cases.compared_days as both_compared,
        registry_years.*  exclude (year),
        100.0 * (registry_years.minors_0 + cases.minor_suspects)
            / nullif(registry_years.existing_0 + cases.suspects, 0) as minor_share_0,
        100.0 * (registry_years.minors_1 + cases.previous_minor_suspects)
            / nullif(registry_years.existing_1 + cases.previous_suspects, 0) as minor_share_1,
        cases.outflow_suspects as outflow_0,
        cases.previous_outflow_suspects as outflow_1,
        cases.user_crimes as user_crimes_0,
        cases.previous_user_crimes as user_crimes_1,
        awareness.as_of as awareness_as_of,
        satisfaction.as_of as satisfaction_as_of,
        registry_years.s0 as registry_as_of,
        cases.period_end as cases_as_of,
        least(registry_years.s0, cases.period_end) as both_as_of
    from years
    left join registry_years on registry_years.year = years.year
    left join cases on cases.year = years.year
    left join indicator_values as awareness
        on awareness.year = years.year and awareness.indicator = 'awareness_rate'
    left join indicator_values as satisfaction
        on satisfaction.year = years.year and satisfaction.indicator = 'satisfaction_rate'
),

long as (
    select year, indicator, value, previous_value, as_of, compared
    from measured
    unpivot include nulls ((value, previous_value, as_of, compared) for indicator in (
        (awareness_0, awareness_1, awareness_as_of, awareness_compared) as 'awareness_rate',
        (satisfaction_0, satisfaction_1, satisfaction_as_of, satisfaction_compared) as 'satisfaction_rate',
        (execution_0, execution_1, registry_as_of, registry_compared) as 'community_execution_rate',
        (abstinent_growth_0, abstinent_growth_1, registry_as_of, registry_compared) as 'abstinent_3y_growth',
        (new_growth_0, new_growth_1, registry_as_of, registry_compared) as 'new_users_growth',
        (minor_share_0, minor_share_1, both_as_of, both_compared) as 'minor_share',
        (outflow_0, outflow_1, cases_as_of, cases_compared) as 'outflow_traffickers',
        (user_crimes_0, user_crimes_1, cases_as_of, cases_compared) as 'user_crimes'
    ))
),

judged as (
    select
        long.year,
        long.indicator,
        long.value::double as value,
        long.previous_value::double as previous_value,
        long.as_of::date as as_of,
        long.compared,
        definitions.direction as expected_direction,
        case
            when long.value is null or long.previous_value is null then null
            when definitions.direction = 'up'
                then long.value > long.previous_value
                     or (long.value = long.previous_value and long.value >= definitions.bound)
            else long.value < long.previous_value
                 or (long.value = long.previous_value and long.value <= definitions.bound)
        end as achieved,
        definitions.*  exclude (indicator, direction)
    from long
    join definitions using (indicator)
),

final as (
    select
        year,
        indicator,
        value,
        previous_value,
        value - previous_value as change,
        expected_direction,
        achieved,
        case
            when achieved is null then 'no_data'
            when achieved then 'achieved'
            else 'not_achieved'
        end as status,
        as_of,
        compared,
        unit,
        bound,
        source,
        clause,
        clause_text,
        description_zh,
        description_en
    from judged
)

select * from final
order by year, indicator;
