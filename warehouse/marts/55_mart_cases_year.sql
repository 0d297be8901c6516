-- Drug cases by year for the whole banner, each figure beside the same period of the previous year, and the
-- outflow suspects' three-year average that the plan's 零容忍 target reads (plan §四(三)2: "被外省区查获外流
-- 贩毒人数三年累计平均下降10%以上").
--
-- Years run from the first to the last year with a case filed; a year with no case at all has has_data false
-- and null counts (a county without a single drug case in a year is an export that is missing, not a zero).
-- The period of year Y is 1 January to the warehouse's newest dated fact (case, wastewater sample, hair test or
-- registry snapshot), capped at 31 December (provisional while the year is not over); the previous year is
-- compared over the same days.
-- Banner cases exclude outflow records (township 外地): those feed only the outflow figures.
-- cultivation_cases: banner cases of type cultivation, any number of plants (plan §四(五)3 "零种植、零产量").
-- user_incidents: banner cases of type user_incident (吸毒人员肇事肇祸), any category and severity: plan §四(四)1
--   "确保社会面无漏管失控吸毒人员和吸毒人员肇事肇祸案事件“零发生”" (the five-never event counts only the major ones).
-- user crimes: criminal and administrative cases of type user_incident or involving an out-of-control user
--   (the cases extract links no case to a registered person, so this is the part the data can show).
-- outflow suspects (current, previous, the 3-year means) are those of trafficking cases: the plan counts 外流贩毒
--   人员 (§四(三)2, and 四升四降's "外地抓获本地籍贩毒人员"); a local user caught using elsewhere is not one. An
--   outflow record (township 外地) of trafficking that leaves the number blank makes its period's count unknown
--   (null, and every 3-year mean over it), never a 0 that would pass for a fall.
-- outflow_3y_avg: mean of the outflow suspects over Y−2..Y (all three years need data), each year counted over
--   the same period as Y (1 January to period_end's day): a year in progress is never set beside whole years;
-- outflow_3y_avg_previous: the same mean over Y−3..Y−1 (same period);
-- outflow_3y_change_pct: the first against the second, in percent; infinite when the earlier mean is 0 and the
--   later is not (a rise from none), null when both are 0 (nothing to reduce) or either is missing.
-- compared_days_zh, compared_days_en: the days of each year every comparison here covers, for evidence text
--   ("各年1–6月", "01-01–06-30 each year"; in Chinese whole months as 1–M月, else to the day).
create or replace table mart_cases_year as
with cases as (
    select
        *,
        category in ('criminal', 'administrative')
            and (case_type = 'user_incident' or coalesce(involves_out_of_control_user, false)) as user_crime,
        case when case_type = 'trafficking' then outflow_suspects end as outflow_traffickers,
        township_code = '外地' and case_type = 'trafficking' and outflow_suspects is null as outflow_unknown,
        township_code is distinct from '外地' as banner_case
    from fact_cases
),

extent as (   -- the data's end is the warehouse's newest dated fact, not the last filing: a quiet December
              -- is no sign that the year is incomplete
    select
        min(filed_date) as first_filed,
        (select as_of from int_data_as_of) as last_filed
    from cases
),

years as (
    select
        unnest(generate_series(year(first_filed), year(last_filed)))::integer as year,
        last_filed
    from extent
    where first_filed is not null
),

periods as (
    select
        year,
        make_date(year, 1, 1) as period_start,
        least(make_date(year, 12, 31), last_filed) as period_end,
        make_date(year - 1, 1, 1) as previous_start,
        (least(make_date(year, 12, 31), last_filed) - interval 1 year)::date as previous_end
    from years
),

covered as (
    select distinct year(filed_date)::integer as year from cases
),

current_period as (
    select
        periods.year,
        count(cases.case_id) filter (where banner_case) as cases,
        count(cases.case_id) filter (where banner_case and category = 'criminal') as criminal_cases,
        count(cases.case_id) filter (where banner_case and category = 'administrative') as administrative_cases,
        count(cases.case_id) filter (where banner_case and category = 'incident') as incidents,
        count(cases.case_id) filter (where banner_case and solved_date is not null) as solved_cases,
        coalesce(sum(suspects) filter (where banner_case), 0)::bigint as suspects,
        coalesce(sum(minor_suspects) filter (where banner_case), 0)::bigint as minor_suspects,
        count(cases.case_id) filter (where banner_case and target_level in ('ministry', 'region')) as target_cases,
        count(cases.case_id) filter (where banner_case and case_type = 'cultivation') as cultivation_cases,
        coalesce(list(case_id order by case_id) filter (where banner_case and case_type = 'cultivation'),
                 []::varchar[]) as cultivation_case_ids,
        count(cases.case_id) filter (where banner_case and case_type = 'user_incident') as user_incidents,
        coalesce(list(case_id order by case_id) filter (where banner_case and case_type = 'user_incident'),
                 []::varchar[]) as user_incident_case_ids,
        count(cases.case_id) filter (where banner_case and user_crime) as user_crimes,
        coalesce(sum(seized_g) filter (where banner_case), 0) as seized_g
    from periods
    left join cases on cases.filed_date between periods.period_start and periods.period_end
    group by periods.year
),

previous_period as (
    select
        periods.year,
        count(cases.case_id) filter (where banner_case and target_level in ('ministry', 'region')) as target_cases,
        count(cases.case_id) filter (where banner_case and user_crime) as user_crimes,
        coalesce(sum(suspects) filter (where banner_case), 0)::bigint as suspects,
        coalesce(sum(minor_suspects) filter (where banner_case), 0)::bigint as minor_suspects
    from periods
    left join cases on cases.filed_date between periods.previous_start and periods.previous_end
    group by periods.year
),

outflow_windows as (   -- year Y and the three before it, each from 1 January to period_end's day (k = 0 and 1:
                       -- the current and the previous period)
    select
        periods.year,
        back.k,
        make_date(periods.year - back.k, 1, 1) as window_start,
        (periods.period_end - to_years(back.k::integer))::date as window_end
    from periods
    cross join range(0, 4) as back(k)
),

outflow_counted as (
    select
        outflow_windows.year,
        outflow_windows.k,
        covered_back.year is not null as covered,
        case when not coalesce(bool_or(cases.outflow_unknown), false)
            then coalesce(sum(cases.outflow_traffickers), 0)::bigint end as outflow   -- null: a record left it blank
    from outflow_windows
    left join cases on cases.filed_date between window_start and window_end
    left join covered as covered_back on covered_back.year = outflow_windows.year - outflow_windows.k
    group by all
),

outflow_3y as (
    select
        year,
        case when count(outflow) filter (where k <= 2 and covered) = 3
            then avg(outflow) filter (where k <= 2) end as outflow_3y_avg,
        case when count(outflow) filter (where k >= 1 and covered) = 3
            then avg(outflow) filter (where k >= 1) end as outflow_3y_avg_previous
    from outflow_counted
    group by year
),

joined as (
    select
        periods.year,
        periods.period_end,
        periods.period_end < make_date(periods.year, 12, 31) as provisional,
        covered.year is not null as has_data,
        previously.year is not null as previous_has_data,
        current_period.*  exclude (year),
        previous_period.target_cases as previous_target_cases,
        outflow_now.outflow as outflow_suspects,
        outflow_before.outflow as previous_outflow_suspects,
        previous_period.user_crimes as previous_user_crimes,
        previous_period.suspects as previous_suspects,
        previous_period.minor_suspects as previous_minor_suspects
    from periods
    join current_period using (year)
    join previous_period using (year)
    left join covered on covered.year = periods.year
    left join covered as previously on previously.year = periods.year - 1
    join outflow_counted as outflow_now on outflow_now.year = periods.year and outflow_now.k = 0
    join outflow_counted as outflow_before on outflow_before.year = periods.year and outflow_before.k = 1
),

final as (
    select
        year,
        period_end,
        provisional,
        has_data,
        case when has_data then cases end as cases,
        case when has_data then criminal_cases end as criminal_cases,
        case when has_data then administrative_cases end as administrative_cases,
        case when has_data then incidents end as incidents,
        case when has_data then solved_cases end as solved_cases,
        case when has_data then suspects end as suspects,
        case when has_data then minor_suspects end as minor_suspects,
        case when has_data then seized_g end as seized_g,
        case when has_data then target_cases end as target_cases,
        case when has_data then cultivation_cases end as cultivation_cases,
        case when has_data then cultivation_case_ids end as cultivation_case_ids,
        case when has_data then user_incidents end as user_incidents,
        case when has_data then user_incident_case_ids end as user_incident_case_ids,
        case when previous_has_data then previous_target_cases end as previous_target_cases,
        case when has_data then outflow_suspects end as outflow_suspects,
        case when previous_has_data then previous_outflow_suspects end as previous_outflow_suspects,
        case when has_data then user_crimes end as user_crimes,
        case when previous_has_data then previous_user_crimes end as previous_user_crimes,
        case when previous_has_data then previous_suspects end as previous_suspects,
        case when previous_has_data then previous_minor_suspects end as previous_minor_suspects,
        outflow_3y.outflow_3y_avg,
        outflow_3y.outflow_3y_avg_previous
    from joined
    join outflow_3y using (year)
)

select
    final.*,
    case
        when period_end = last_day(period_end) then '各年1–' || month(period_end) || '月'
        else '各年1月1日–' || month(period_end) || '月' || day(period_end) || '日'
    end as compared_days_zh,
    strftime(period_end, '01-01–%m-%d') || ' each year' as compared_days_en,
    case
        when outflow_3y_avg_previous > 0
            then 100.0 * (outflow_3y_avg - outflow_3y_avg_previous) / outflow_3y_avg_previous
        when outflow_3y_avg_previous = 0 and outflow_3y_avg > 0 then 'infinity'::double
    end as outflow_3y_change_pct
from final
order by year;
