-- 六个零目标, check by check: every row of domain/targets.csv evaluated for every year (domain.md §5, revised).
-- mart_six_zero rolls these up into one status per target. Each check carries the plan's own words
-- (clause_text) and the task that owns it (domain/check_tasks.csv).
--
-- Inputs (targets.csv `input`):
--   indicator:X                 the year's value of indicator X for the banner (int_indicators_year: the annual
--                               figure, else the latest half-year figure for the year so far)
--   indicator:volunteers_share  volunteers ÷ the setting banner_population × 100 (% of residents)
--   indicator:budget_wan_yuan_vs_previous  the budget less the previous year's over the same period ("常态增长机制":
--                               not below it; 2025H1 beside 2024H1, never a part year beside a whole one)
--   event:X                     mart_five_never count (no_data when its status is: nothing found and the year lacks
--                               that event's input)
--   cases:target_cases_vs_previous  target cases − the previous year's, same period (mart_cases_year); the plan's
--                               "逐年上升" needs a rise: the operator is "> 0", equal fails
--   cases:outflow_3y_change_pct     change of the outflow suspects' 3-year average in % (same months each year);
--                                   when both 3-year averages are 0 there is nothing to reduce and the check passes
--   cases:cultivation_cases     banner cultivation cases of the year, any size ("零种植、零产量")
--   cases:user_incidents        banner cases caused by drug users (user_incident) of the year, any severity ("吸毒人员
--                               肇事肇祸案事件'零发生'", §四(四)1; the five-never event counts only the major ones)
--   minors:involvement          "18岁以下青少年涉毒行为零发生": users found in the year, newly or again, under 18
--                               at the year's first finding (registry: first_found_date or last_found_date)
--                               + minor suspects of the banner's cases + positive hair samples of
--                               persons under 18 at collection (age from the registry; unknown age not counted);
--                               no_data without both cases and a registry snapshot in the year
--   support:employment_support_rate  the indicator employment_support_rate, else the registry's share of
--                               community detox/rehab users flagged employment_support (year-end snapshot; no
--                               input when the snapshot leaves the flag blank; 100 with nobody in community)
--   registry:out_of_control     the most out-of-control users in any snapshot of the year (banner)
--   registry:face_check_rate, info_verified_rate, users_per_case_worker, existing_users
--                               the year's latest snapshot, as mart_registry_township's *_input columns read it
--                               (a rate with nobody at large is 100; a column the snapshot leaves blank for
--                               everyone is no input: no_data, never 0 %; users per worker on the base of the
--                               setting staff_ratio_base (evidence: all three bases), 0 without users and
--                               infinite with users but no worker); existing_users at scope
--                               'township' is the largest township (evidence: those over the line)
--   coverage:wastewater_quarters, coverage:hair_quarters
--                               distinct quarters of the year with a wastewater sample / a hair test (0 when
--                               none: a missing test is a failure of this check, not missing data)
--   wastewater:rising_substances  abuse-marker substances read as use whose banner trend is 'rising' at the
--                               year's last sampled quarter (mart_wastewater_quarterly); no_data without samples
-- result: pass / fail by the row's operator and threshold (check_passes of mart_six_zero_rules: "> 95" fails at
-- exactly 95, "<= 20" passes at exactly 20, "<= 60" passes at exactly 60), no_data when the input is missing. A year in progress (the
-- warehouse's newest dated fact is before 31 December) is not judged early: a check marked `accrues` in
-- targets.csv (counts that can still grow: briefings, class hours, target cases, quarterly coverage) that does
-- not pass yet is `pending` — except a coverage check with a quarter already over and untested, which fails —
-- and an indicator not reported yet is `pending`, not no_data.
-- as_of: the last date the check's input covers. quarantined: rows of the cases extract in quarantine, never
-- loaded since, that could change the check (int_quarantined_cases, by domain/quarantine_checks.csv), named on the
-- year their filed_date reads, on every year when no year can be read (year_known false). Each: file, row, case
-- id, the columns at fault, what the row says.
create or replace table mart_six_zero_checks as
with targets as (
    select * from mart_six_zero_rules
),

owners as (
    select code as "check", task from ref_check_tasks where kind = 'check'
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
           arg_max(trend_change_pct_per_year, quarter_index) as change_pct_per_year,
           max(quarter) as quarter
    from mart_wastewater_quarterly
    where area_level = 'banner' and readable_as_use and abuse_marker
    group by substance, year
),

data_as_of as (   -- the warehouse's newest dated fact: a year it does not reach the end of is in progress
    select as_of from int_data_as_of
),

years as (
    select year, coalesce(as_of < make_date(year, 12, 31), false) as in_progress,
           least(as_of, make_date(year, 12, 31)) as year_as_of,
           -- quarters of the year whose last day the data have reached
           (select count(*) from range(1, 5) as quarters(q) where last_day(make_date(year, q::integer * 3, 1)) <= as_of)
               as quarters_due
    from (
        select distinct year from mart_wastewater_quarterly
        union select distinct year from mart_hair_positivity
        union select distinct year from mart_registry_township
        union select distinct year(filed_date)::integer from fact_cases
        union select distinct period[1:4]::integer from fact_indicators
    )
    cross join data_as_of
),

minor_found as (   -- users found under 18, newly or again (age at the year's first finding, from that year's snapshot)
    select year(found_in_year)::integer as year, count(distinct person_key) as found_users
    from int_registry_ages
    where found_in_year is not null
      and age_years - floor((snapshot_date - found_in_year) / 365.25) < 18
    group by 1
),

minor_positive as (   -- positive hair samples of persons under 18 at collection (registry age)
    select tests.year, count(distinct tests.sample_id) as hair_positive
    from int_hair_tests as tests
    join (select person_key, max(snapshot_date) as snapshot_date, arg_max(age_years, snapshot_date) as age_years
          from int_registry_ages
          group by person_key) as ages using (person_key)
    where tests.positive and ages.age_years - floor((ages.snapshot_date - tests.collection_date) / 365.25) < 18
    group by 1
),

minors as (
    select
        years.year,
        coalesce(minor_found.found_users, 0) as found_users,
        cases.minor_suspects,
        coalesce(minor_positive.hair_positive, 0) as hair_positive,
        coalesce(cases.has_data, false) and exists (select 1 from banner where banner.year = years.year) as has_data,
        cases.period_end
    from years
    left join mart_cases_year as cases using (year)
    left join minor_found using (year)
    left join minor_positive using (year)
),

inputs as (   -- one row per year, input and scope: its value and the evidence, worded in Chinese and in English
    select year, 'indicator:' || indicator as input, 'banner' as scope, value, false as forced_pass,
           '期间 ' || period || coalesce('，来源：' || source, '') as evidence_zh,
           'period ' || period || coalesce(', source: ' || source_en, '') as evidence_en, as_of, true as can_wait
    from indicator_values
    union all
    select year, 'indicator:budget_wan_yuan_vs_previous', 'banner', value - previous_value, false,
           value || '（' || period || '）对比 ' || coalesce(previous_value || '（' || previous_period || '）', '—'),
           value || ' (' || period || ') vs ' || coalesce(previous_value || ' (' || previous_period || ')', '—'),
           as_of, true
    from indicator_values
    where indicator = 'budget_wan_yuan'
    union all
    select year, 'indicator:volunteers_share', 'banner',
           100.0 * value / getvariable('banner_population'), false,
           '志愿者 ' || value::bigint || ' 人 / 常住人口 ' || getvariable('banner_population') || ' 人',
           value::bigint || ' volunteers / ' || getvariable('banner_population') || ' residents', as_of, true
    from indicator_values
    where indicator = 'volunteers'
    union all
    select five.year, 'event:' || five.event, 'banner', case when five.status <> 'no_data' then five.count end, false,
           array_to_string(list_transform(five.evidence, lambda e: case when e = 'registry' then '吸毒人员登记'
                                                                    else replace(e, 'hair:', '毛发样本 ') end), '、'),
           array_to_string(list_transform(five.evidence, lambda e: replace(e, 'hair:', 'hair sample ')), ', '),
           coalesce(cases.period_end, years.year_as_of), true
    from mart_five_never as five
    join years using (year)
    left join mart_cases_year as cases using (year)
    union all
    select year, 'cases:target_cases_vs_previous', 'banner', target_cases - previous_target_cases, false,
           target_cases || '（' || year || '年）对比 ' || previous_target_cases || '（' || (year - 1) || '年），'
               || compared_days_zh,
           target_cases || ' (' || year || ') vs ' || previous_target_cases || ' (' || (year - 1) || '), '
               || compared_days_en,
           period_end, true
    from mart_cases_year
    union all
    select year, 'cases:outflow_3y_change_pct', 'banner', outflow_3y_change_pct,
           outflow_3y_avg = 0 and outflow_3y_avg_previous = 0,
           '三年平均 ' || round(outflow_3y_avg, 2) || '（' || (year - 2) || '–' || year || '年）对比 '
               || round(outflow_3y_avg_previous, 2) || '（' || (year - 3) || '–' || (year - 1) || '年），'
               || compared_days_zh,
           'average ' || round(outflow_3y_avg, 2) || ' (' || (year - 2) || '–' || year || ') vs '
               || round(outflow_3y_avg_previous, 2) || ' (' || (year - 3) || '–' || (year - 1) || '), '
               || compared_days_en,
           period_end, true
    from mart_cases_year
    union all
    select year, 'cases:cultivation_cases', 'banner', cultivation_cases, false,
           array_to_string(cultivation_case_ids, '、'), array_to_string(cultivation_case_ids, ', '), period_end, true
    from mart_cases_year
    union all
    select year, 'cases:user_incidents', 'banner', user_incidents, false,
           array_to_string(user_incident_case_ids, '、'), array_to_string(user_incident_case_ids, ', '), period_end, true
    from mart_cases_year
    union all
    select year, 'minors:involvement', 'banner',
           case when has_data then found_users + minor_suspects + hair_positive end, false,
           '当年查获 ' || found_users || ' 人，涉案嫌疑人 ' || coalesce(minor_suspects, 0) || ' 人，毛发阳性 '
               || hair_positive || ' 份',
           'found ' || found_users || ', suspects ' || coalesce(minor_suspects, 0) || ', hair ' || hair_positive,
           period_end, true
    from minors
    union all
    select years.year, 'support:employment_support_rate', 'banner',
           case
               when indicator.value is not null then indicator.value
               when not registry.employment_support_recorded then null
               when registry.community_ordered = 0 then 100
               else 100.0 * registry.employment_support / registry.community_ordered
           end, false,
           case
               when indicator.value is not null
                   then '期间 ' || indicator.period || coalesce('，来源：' || indicator.source, '')
               else registry.employment_support || ' / ' || registry.community_ordered
                   || '（' || registry.snapshot_date || '）'
           end,
           case
               when indicator.value is not null
                   then 'period ' || indicator.period || coalesce(', source: ' || indicator.source_en, '')
               else registry.employment_support || ' / ' || registry.community_ordered || ' at ' || registry.snapshot_date
           end,
           coalesce(indicator.as_of, registry.snapshot_date), true
    from years
    left join indicator_values as indicator
        on indicator.year = years.year and indicator.indicator = 'employment_support_rate'
    left join at_year_end as registry on registry.year = years.year and registry.township_code = '150823'
    union all
    select year, 'registry:out_of_control', 'banner', max(out_of_control), false,
           coalesce(string_agg(strftime(snapshot_date, '%Y-%m-%d') || '：' || out_of_control || ' 人', '、'
                               order by snapshot_date) filter (where out_of_control > 0), ''),
           coalesce(string_agg(strftime(snapshot_date, '%Y-%m-%d') || ': ' || out_of_control, ', '
                               order by snapshot_date) filter (where out_of_control > 0), ''),
           max(snapshot_date), true
    from banner
    group by year
    union all
    select year, 'registry:face_check_rate', 'banner', face_check_input, false,
           case when face_check_recorded then face_checked || ' / ' || at_large else '未填写' end
               || '（' || snapshot_date || '）',
           case when face_check_recorded then face_checked || ' / ' || at_large else 'blank' end || ' at ' || snapshot_date,
           snapshot_date, true
    from at_year_end where township_code = '150823'
    union all
    select year, 'registry:info_verified_rate', 'banner', info_verified_input, false,
           case when info_verified_recorded then info_verified || ' / ' || at_large else '未填写' end
               || '（' || snapshot_date || '）',
           case when info_verified_recorded then info_verified || ' / ' || at_large else 'blank' end
               || ' at ' || snapshot_date,
           snapshot_date, true
    from at_year_end where township_code = '150823'
    union all
    select year, 'registry:users_per_case_worker', 'banner', users_per_case_worker_input, false,
           coalesce(base.zh, base_code.code) || '口径：' || staff_ratio_users || ' 人 / 专职人员 ' || case_workers || ' 名（' || snapshot_date
               || '；现有吸毒人员 ' || coalesce(round(users_per_case_worker_existing, 1)::varchar, '—')
               || '，在册人员 ' || coalesce(round(users_per_case_worker_registered, 1)::varchar, '—')
               || '，社区戒毒康复人员 ' || coalesce(round(users_per_case_worker_community, 1)::varchar, '—') || '）',
           coalesce(base.en, base_code.code) || ': ' || staff_ratio_users || ' users / ' || case_workers
               || ' workers at ' || snapshot_date
               || ' (existing ' || coalesce(round(users_per_case_worker_existing, 1)::varchar, '—')
               || ', registered ' || coalesce(round(users_per_case_worker_registered, 1)::varchar, '—')
               || ', community ' || coalesce(round(users_per_case_worker_community, 1)::varchar, '—') || ')',
           snapshot_date, true
    from at_year_end
    cross join (select getvariable('staff_ratio_base') as code) as base_code
    left join ref_labels as base on base.kind = 'staff_ratio_base' and base.code = base_code.code
    where township_code = '150823'
    union all
    select year, 'registry:existing_users', 'banner', existing_users, false,
           existing_users || ' 人（' || snapshot_date || '）', existing_users || ' at ' || snapshot_date,
           snapshot_date, true
    from at_year_end where township_code = '150823'
    union all
    select year, 'registry:existing_users', 'township', max(existing_users), false,
           coalesce(string_agg(coalesce(township.zh, township_code) || ' ' || existing_users || ' 人', '、' order by township_code)
                        filter (where over_listing_threshold), ''),
           coalesce(string_agg(coalesce(township.en, township_code) || ' ' || existing_users, ', ' order by township_code)
                        filter (where over_listing_threshold), ''),
           max(snapshot_date), true
    from at_year_end
    left join ref_labels as township on township.kind = 'township' and township.code = at_year_end.township_code
    where township_code <> '150823'
    group by year
    union all
    select years.year, 'coverage:wastewater_quarters', 'banner', count(distinct ww.quarter), false,
           string_agg(distinct 'Q' || right(ww.quarter, 1), ' ' order by 'Q' || right(ww.quarter, 1))
               as wastewater_quarters_tested,
           wastewater_quarters_tested,   -- the same in both languages
           max(ww.quarter_end), count(distinct ww.quarter) filter (where right(ww.quarter, 1)::integer <= years.quarters_due)
                                = years.quarters_due
    from years
    left join (select year, quarter, max(last_day(make_date(year, right(quarter, 1)::integer * 3, 1))) as quarter_end
               from mart_wastewater_quarterly where area_level = 'banner' group by all) as ww
        on ww.year = years.year
    group by years.year, years.quarters_due
    union all
    select years.year, 'coverage:hair_quarters', 'banner', count(distinct hair.quarter), false,
           string_agg(distinct 'Q' || right(hair.quarter, 1), ' ' order by 'Q' || right(hair.quarter, 1))
               as hair_quarters_tested,
           hair_quarters_tested,   -- the same in both languages
           max(hair.last_test), count(distinct hair.quarter) filter (where right(hair.quarter, 1)::integer <= years.quarters_due)
                                = years.quarters_due
    from years
    left join (select year, quarter, max(collection_date) as last_test from int_hair_tests group by all) as hair
        on hair.year = years.year
    group by years.year, years.quarters_due
    union all
    select year, 'wastewater:rising_substances', 'banner', count(*) filter (where trend_class = 'rising'), false,
           coalesce(string_agg(coalesce(substance.zh, trends.substance) || ' 年均 +' || round(change_pct_per_year)::integer || '%', '、'
                               order by trends.substance) filter (where trend_class = 'rising'), ''),
           coalesce(string_agg(coalesce(substance.en, trends.substance) || ' +' || round(change_pct_per_year)::integer || '%/yr', ', '
                               order by trends.substance) filter (where trend_class = 'rising'), ''),
           max(last_day(make_date(year, right(quarter, 1)::integer * 3, 1))), true
    from wastewater_trends as trends
    left join ref_labels as substance on substance.kind = 'substance' and substance.code = trends.substance
    group by year
),

at_risk as (   -- quarantined case rows that could change a check (int_quarantined_cases)
    select years.year, rows."check", list(distinct rows.row_ref order by rows.row_ref) as quarantined
    from years
    join int_quarantined_cases as rows on rows.year is null or rows.year = years.year
    group by all
),

evaluated as (
    select
        years.year,
        years.in_progress,
        targets.*,
        inputs.value::double as value,
        inputs.evidence_zh,
        inputs.evidence_en,
        inputs.as_of,
        case
            when inputs.forced_pass then 'pass'
            when inputs.value is null and years.in_progress
                 and (targets.accrues or targets.input like 'indicator:%') then 'pending'
            when inputs.value is null then 'no_data'
            when check_passes(inputs.value::double, targets.operator, targets.threshold) then 'pass'
            when years.in_progress and targets.accrues and inputs.can_wait then 'pending'
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
        nullif(evidence_zh, '') as evidence_zh,
        nullif(evidence_en, '') as evidence_en,
        as_of::date as as_of,
        in_progress,
        owners.task,
        coalesce(at_risk.quarantined, []) as quarantined,
        clause,
        clause_text,
        description_zh,
        description_en
    from evaluated
    left join owners using ("check")
    left join at_risk using (year, "check")
)

select * from final
order by year, check_order;
