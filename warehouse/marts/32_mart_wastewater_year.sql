-- Wastewater by year and substance for each site, each township and the whole banner: the year's mean, its
-- change against the same period of the previous year, and where the level and trend stood at the year's
-- last sampled quarter (mart_wastewater_quarterly).
--
-- The year's mean is the mean of its quarterly means (population-weighted across sites for townships and the
-- banner). Year on year compares the same quarters only: the quarters of this year whose quarter of the
-- previous year was sampled too, against those previous-year quarters (so a year sampled in Q1–Q2 so far is
-- compared with Q1–Q2 of the previous year).
create or replace table mart_wastewater_year as
with quarterly as (
    select * from mart_wastewater_quarterly
),

yearly as (
    select
        year,
        area_level,
        area_code,
        arg_max(site_name, quarter_index) as site_name,
        arg_max(township_code, quarter_index) as township_code,
        substance,
        count(*) as quarters_sampled,
        sum(samples) as samples,
        sum(samples_below_loq) as samples_below_loq,
        avg(mean_load_per_1000) as mean_load_per_1000,
        avg(mean_load_use_per_1000) as mean_load_use_per_1000,
        avg(consumption_mg_day_per_1000) as consumption_mg_day_per_1000,
        count(*) filter (where same_quarter_last_year_per_1000 is not null) as quarters_compared,
        avg(mean_load_per_1000) filter (where same_quarter_last_year_per_1000 is not null) as compared_mean,
        avg(same_quarter_last_year_per_1000) as previous_year_mean_per_1000,
        max(quarter) as last_quarter,
        arg_max(level, quarter_index) as level_at_last_quarter,
        arg_max(trend_class, quarter_index) as trend_class_at_last_quarter,
        arg_max(trend_change_pct_per_year, quarter_index) as trend_change_pct_per_year_at_last_quarter,
        bool_and(readable_as_use) as readable_as_use,
        bool_and(abuse_marker) as abuse_marker
    from quarterly
    group by year, area_level, area_code, substance
),

final as (
    select
        year,
        area_level,
        area_code,
        site_name,
        township_code,
        substance,
        quarters_sampled,
        samples,
        samples_below_loq,
        mean_load_per_1000,
        mean_load_use_per_1000,
        consumption_mg_day_per_1000,
        quarters_compared,
        previous_year_mean_per_1000,
        case
            when previous_year_mean_per_1000 > 0
                then 100.0 * (compared_mean - previous_year_mean_per_1000) / previous_year_mean_per_1000
        end as yoy_change_pct,
        last_quarter,
        level_at_last_quarter,
        trend_class_at_last_quarter,
        trend_change_pct_per_year_at_last_quarter,
        readable_as_use,
        abuse_marker
    from yearly
)

select * from final
order by area_level, area_code, substance, year;
