-- Early warnings across sources, one row per warning, each naming its evidence (numbers and a sentence in
-- Chinese and English). Rules and thresholds: domain/early_warnings.csv.
--
-- wastewater_high_results_low (数值高、战果少): a township's wastewater load of an abuse marker read as use is
--   at a level listed in `levels` (high, highest: against the township's own history) or its trend is in
--   `trend_classes` (rising), while its enforcement results that quarter — cases filed in the township plus
--   users living there newly found (first_found_date in the quarter, latest registry snapshot) — are at most
--   `results_ratio_max` × their average over the previous `level_history_quarters` quarters (at least
--   `level_min_history_quarters` of them with case data). Only quarters the cases extract covers (a case filed
--   anywhere in the banner that quarter) and that the latest registry snapshot has passed are judged.
-- hair_positive_outside_registry: a hair test positive by the cut-off rule (mart_hair_positivity) of a person
--   whose pseudonym is in no registry snapshot — a user the registry does not know. One row per sample and
--   substance; judged only once a registry snapshot has been loaded.
create or replace table mart_early_warnings as
with rules as (
    select
        string_split(max(value) filter (where parameter = 'levels'), '|') as levels,
        string_split(max(value) filter (where parameter = 'trend_classes'), '|') as trend_classes,
        max(try_cast(value as double)) filter (where parameter = 'results_ratio_max') as results_ratio_max
    from ref_early_warnings
    where kind = 'wastewater_high_results_low'
),

substances as (
    select code, name_zh, name_en, try_cast(hair_cutoff_ng_mg as double) as cutoff_ng_mg from ref_substances
),

levels as (
    select level, label_zh, label_en from ref_wastewater_levels
),

wastewater as (
    select * from mart_wastewater_quarterly
    where area_level = 'township' and readable_as_use and abuse_marker
),

latest_registry as (
    select * from fact_registry where snapshot_date = (select max(snapshot_date) from mart_registry_township)
),

case_quarters as (
    select distinct year(filed_date) * 4 + quarter(filed_date) - 1 as quarter_index from fact_cases
),

judged_quarters as (
    select quarter_index
    from case_quarters
    where make_date(quarter_index // 4, (quarter_index % 4) * 3 + 1, 1) + interval 3 month - interval 1 day
          <= (select max(snapshot_date) from mart_registry_township)
),

township_cases as (
    select township_code, year(filed_date) * 4 + quarter(filed_date) - 1 as quarter_index, count(*) as cases
    from fact_cases
    group by all
),

first_quarter as (   -- the earliest quarter any judgement looks at
    select min(quarter_index) - getvariable('level_history_quarters') as quarter_index from wastewater
),

township_found as (
    select township_code, year(first_found_date) * 4 + quarter(first_found_date) - 1 as quarter_index,
           count(*) as newly_found
    from latest_registry
    where first_found_date >= (select make_date(quarter_index // 4, (quarter_index % 4) * 3 + 1, 1)
                               from first_quarter)
    group by all
),

results as (
    select
        townships.township_code,
        judged_quarters.quarter_index,
        coalesce(township_cases.cases, 0) as cases,
        coalesce(township_found.newly_found, 0) as newly_found,
        coalesce(township_cases.cases, 0) + coalesce(township_found.newly_found, 0) as results
    from judged_quarters
    cross join (select distinct township_code from wastewater) as townships
    left join township_cases using (township_code, quarter_index)
    left join township_found using (township_code, quarter_index)
),

results_history as (
    select
        results.*,
        avg(results) over history as results_history_avg,
        count(*) over history as results_history_quarters
    from results
    window history as (
        partition by township_code order by quarter_index
        range between getvariable('level_history_quarters') preceding and 1 preceding
    )
),

wastewater_warnings as (
    select
        'wastewater_high_results_low' as kind,
        wastewater.year,
        wastewater.quarter,
        wastewater.township_code,
        wastewater.substance,
        null::varchar as sample_id,
        null::varchar as subject_group,
        wastewater.level,
        wastewater.level_percentile,
        wastewater.trend_class,
        wastewater.trend_change_pct_per_year,
        wastewater.mean_load_per_1000,
        results_history.cases,
        results_history.newly_found,
        results_history.results,
        results_history.results_history_avg,
        results_history.results_history_quarters,
        null::double as concentration_ng_mg,
        null::double as cutoff_ng_mg,
        '污水' || substances.name_zh || '负荷 ' || round(wastewater.mean_load_per_1000, 2) || ' 毫克/千人/天'
            || coalesce('，水平' || levels.label_zh || '（高于本地前 ' || wastewater.history_quarters
                        || ' 个季度中的 ' || round(wastewater.level_percentile)::integer || '%）', '')
            || case when wastewater.trend_class = 'rising'
                    then '，显著上升（年均 ' || round(wastewater.trend_change_pct_per_year)::integer || '%）' else '' end
            || '；本季度立案 ' || results_history.cases || ' 起、新发现吸毒人员 ' || results_history.newly_found
            || ' 人，合计 ' || results_history.results || '，前 ' || results_history.results_history_quarters
            || ' 个季度平均 ' || round(results_history.results_history_avg, 1) as evidence_zh,
        'Wastewater ' || substances.name_en || ' ' || round(wastewater.mean_load_per_1000, 2) || ' mg/day/1000'
            || coalesce(', level ' || levels.label_en || ' (above ' || round(wastewater.level_percentile)::integer
                        || ' % of the ' || wastewater.history_quarters || ' earlier quarters)', '')
            || case when wastewater.trend_class = 'rising'
                    then ', rising significantly (' || round(wastewater.trend_change_pct_per_year)::integer || ' %/year)'
                    else '' end
            || '; this quarter ' || results_history.cases || ' cases filed and ' || results_history.newly_found
            || ' users newly found (' || results_history.results || '), against an average of '
            || round(results_history.results_history_avg, 1) || ' over the previous '
            || results_history.results_history_quarters || ' quarters' as evidence_en
    from wastewater
    cross join rules
    join results_history using (township_code, quarter_index)
    left join substances on substances.code = wastewater.substance
    left join levels on levels.level = wastewater.level
    where (list_contains(rules.levels, wastewater.level) or list_contains(rules.trend_classes, wastewater.trend_class))
      and results_history.results_history_quarters >= getvariable('level_min_history_quarters')
      and results_history.results <= rules.results_ratio_max * results_history.results_history_avg
),

hair_warnings as (
    select
        'hair_positive_outside_registry' as kind,
        hair.year,
        hair.quarter,
        hair.township_code,
        hair.substance,
        hair.sample_id,
        hair.subject_group,
        null::varchar as level,
        null::double as level_percentile,
        null::varchar as trend_class,
        null::double as trend_change_pct_per_year,
        null::double as mean_load_per_1000,
        null::bigint as cases,
        null::bigint as newly_found,
        null::bigint as results,
        null::double as results_history_avg,
        null::bigint as results_history_quarters,
        hair.concentration_ng_mg,
        hair.cutoff_ng_mg,
        '毛发样本 ' || hair.sample_id || '（' || groups.zh || '，' || hair.collection_date || '）'
            || substances.name_zh || ' ' || hair.concentration_ng_mg || ' ng/mg，达到临界值 '
            || hair.cutoff_ng_mg || ' ng/mg；此人不在吸毒人员登记中' as evidence_zh,
        'Hair sample ' || hair.sample_id || ' (' || groups.en || ', ' || hair.collection_date || '): '
            || substances.name_en || ' ' || hair.concentration_ng_mg || ' ng/mg, at or above the cut-off '
            || hair.cutoff_ng_mg || ' ng/mg; the person is not in the drug-user registry' as evidence_en
    from int_hair_tests as hair
    join substances on substances.code = hair.substance
    join ref_labels as groups on groups.kind = 'subject_group' and groups.code = hair.subject_group
    where hair.judged_by = 'cutoff' and hair.positive and not hair.in_registry
),

unioned as (
    select * from wastewater_warnings
    union all
    select * from hair_warnings
),

final as (
    select
        kind || ':' || quarter || ':' || township_code || ':' || substance
            || coalesce(':' || sample_id, '') as warning_id,
        *
    from unioned
)

select * from final
order by quarter, kind, township_code, substance, sample_id;
