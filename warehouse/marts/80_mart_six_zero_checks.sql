-- 六个零目标, check by check: every row of domain/targets.csv evaluated for every year (domain.md §5).
-- mart_six_zero rolls these up into one status per target.
--
-- Inputs (targets.csv `input`):
--   indicator:X                 annual value of indicator X for the banner (period 'YYYY'; latest load wins)
--   indicator:volunteers_share  volunteers ÷ the setting banner_population × 100 (% of residents)
--   event:X                     mart_five_never count (no_data when the year lacks that event's input)
--   cases:target_cases_vs_previous  target cases − the previous year's, same period (mart_cases_year)
--   cases:outflow_3y_change_pct     change of the outflow suspects' 3-year average in %; when both 3-year
--                                   averages are 0 there is nothing to reduce and the check passes
--   registry:out_of_control     the most out-of-control users in any snapshot of the year (banner)
--   registry:face_check_rate, info_verified_rate, users_per_case_worker, existing_users
--                               the year's latest snapshot; a rate with nobody at large is 100; users per
--                               worker is 0 without community users and infinite with users but no worker;
--                               existing_users at scope 'township' is the largest township (evidence: those
--                               over the line)
--   coverage:wastewater_quarters, coverage:hair_quarters
--                               distinct quarters of the year with a wastewater sample / a hair test (0 when
--                               none: a missing test is a failure of this check, not missing data)
--   wastewater:rising_substances  abuse-marker substances read as use whose banner trend is 'rising' at the
--                               year's last sampled quarter (mart_wastewater_quarterly); no_data without samples
-- result: pass / fail by the row's operator and threshold (so "> 95" fails at exactly 95, "<= 20" passes at
-- exactly 20, "<= 60" passes at exactly 60), no_data when the input is missing.
create or replace temp macro passes(value, operator, threshold) as
    case operator
        when '>=' then value >= threshold
        when '>' then value > threshold
        when '<=' then value <= threshold
        when '<' then value < threshold
        when '=' then value = threshold
    end;

create or replace table mart_six_zero_checks as
with targets as (
    select
        target,
        "check",
        input,
        operator,
        threshold::double as threshold,
        scope,
        clause,
        description_zh,
        description_en,
        row_number() over () as check_order
    from ref_targets
),

indicator_values as (
    select * from int_indicators_year
),

banner as (
    select * from mart_registry_township where township_code = '150823'
),

latest_snapshot as (
    select year, max(snapshot_date) as snapshot_date from banner group by year
),

at_year_end as (
    select mart_registry_township.*
    from mart_registry_township
    join latest_snapshot using (year, snapshot_date)
),

wastewater_trends as (
    select substance, year, arg_max(trend_class, quarter_index) as trend_class,
           arg_max(trend_change_pct_per_year, quarter_index) as change_pct_per_year
    from mart_wastewater_quarterly
    where area_level = 'banner' and readable_as_use and abuse_marker
    group by substance, year
),

years as (
    select distinct year from mart_wastewater_year
    union select distinct year from mart_hair_positivity
    union select distinct year from mart_registry_township
    union select distinct year(filed_date)::integer from fact_cases
    union select distinct period[1:4]::integer from fact_indicators
),

inputs as (
    select year, 'indicator:' || indicator as input, 'banner' as scope, value,
           false as forced_pass, 'period ' || year || coalesce(', ' || source, '') as evidence
    from indicator_values
    union all
    select year, 'indicator:volunteers_share', 'banner',
           100.0 * value / getvariable('banner_population'), false,
           value::bigint || ' volunteers / ' || getvariable('banner_population') || ' residents'
    from indicator_values
    where indicator = 'volunteers'
    union all
    select year, 'event:' || event, 'banner', case when has_data then count end, false,
           array_to_string(evidence, ', ')
    from mart_five_never
    union all
    select year, 'cases:target_cases_vs_previous', 'banner', target_cases - previous_target_cases, false,
           target_cases || ' vs ' || previous_target_cases || ' (to ' || strftime(period_end, '%m-%d') || ')'
    from mart_cases_year
    union all
    select year, 'cases:outflow_3y_change_pct', 'banner', outflow_3y_change_pct,
           outflow_3y_avg = 0 and outflow_3y_avg_previous = 0,
           'average ' || round(outflow_3y_avg, 2) || ' (' || (year - 2) || '–' || year || ') vs '
               || round(outflow_3y_avg_previous, 2) || ' (' || (year - 3) || '–' || (year - 1) || ')'
    from mart_cases_year
    union all
    select year, 'registry:out_of_control', 'banner', max(out_of_control), false,
           coalesce(string_agg(strftime(snapshot_date, '%Y-%m-%d') || ': ' || out_of_control, ', '
                               order by snapshot_date) filter (where out_of_control > 0), '')
    from banner
    group by year
    union all
    select year, 'registry:face_check_rate', 'banner', coalesce(face_check_rate, 100), false,
           face_checked || ' / ' || at_large || ' at ' || snapshot_date
    from at_year_end where township_code = '150823'
    union all
    select year, 'registry:info_verified_rate', 'banner', coalesce(info_verified_rate, 100), false,
           info_verified || ' / ' || at_large || ' at ' || snapshot_date
    from at_year_end where township_code = '150823'
    union all
    select year, 'registry:users_per_case_worker', 'banner',
           case
               when community_ordered = 0 then 0
               when case_workers = 0 then 'infinity'::double
               else users_per_case_worker
           end, false,
           community_ordered || ' users / ' || case_workers || ' workers at ' || snapshot_date
    from at_year_end where township_code = '150823'
    union all
    select year, 'registry:existing_users', 'banner', existing_users, false,
           existing_users || ' at ' || snapshot_date
    from at_year_end where township_code = '150823'
    union all
    select year, 'registry:existing_users', 'township', max(existing_users), false,
           coalesce(string_agg(township_code || ': ' || existing_users, ', ' order by township_code)
                        filter (where over_listing_threshold), '')
    from at_year_end where township_code <> '150823'
    group by year
    union all
    select years.year, 'coverage:wastewater_quarters', 'banner', count(distinct ww.quarter), false,
           string_agg(distinct 'Q' || right(ww.quarter, 1), ' ' order by 'Q' || right(ww.quarter, 1))
    from years
    left join mart_wastewater_quarterly as ww on ww.year = years.year and ww.area_level = 'banner'
    group by years.year
    union all
    select years.year, 'coverage:hair_quarters', 'banner', count(distinct hair.quarter), false,
           string_agg(distinct 'Q' || right(hair.quarter, 1), ' ' order by 'Q' || right(hair.quarter, 1))
    from years
    left join mart_hair_positivity as hair on hair.year = years.year
    group by years.year
    union all
    select year, 'wastewater:rising_substances', 'banner', count(*) filter (where trend_class = 'rising'), false,
           coalesce(string_agg(substance || ' +' || round(change_pct_per_year)::integer || '%/yr', ', ' order by substance)
                        filter (where trend_class = 'rising'), '')
    from wastewater_trends
    group by year
),

evaluated as (
    select
        years.year,
        targets.*,
        inputs.value::double as value,
        inputs.evidence,
        case
            when inputs.forced_pass then 'pass'
            when inputs.value is null then 'no_data'
            when passes(inputs.value::double, targets.operator, targets.threshold) then 'pass'
            else 'fail'
        end as result
    from years
    cross join targets
    left join inputs
        on inputs.year = years.year and inputs.input = targets.input and inputs.scope = targets.scope
),

final as (
    select
        year,
        target,
        "check",
        check_order,
        input,
        scope,
        operator,
        threshold,
        value,
        result,
        nullif(evidence, '') as evidence,
        clause,
        description_zh,
        description_en
    from evaluated
)

select * from final
order by year, check_order;
