-- Draws the rank intervals of rezago.rank_uncertainty as an SVG chart (run by
-- test/tools/plot_rank_uncertainty.sh after test/tools/demo.sql has loaded the real data:
-- SINIM 2019-2023, methodology sinim4, provinces as territories).  One row
-- per province among the `rows` with the best median rank: a bar from the 5th
-- to the 95th percentile rank, a dot at the median, a diamond at the nominal
-- rank, and the probability of being among the 10 most lagged.
\set QUIET on
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\pset footer off
CREATE TEMP TABLE ru AS
SELECT r.*, t.name FROM rezago.rank_uncertainty(2023, 1000, 1, 'sinim4', top_n => 10) r
JOIN rezago.territory t ON t.code = r.territory
WHERE r.ranked_runs > 0;
CREATE TEMP TABLE shown AS
SELECT ru.*, row_number() OVER (ORDER BY ru.median_rank, ru.nominal_rank, ru.name) AS y
FROM ru ORDER BY ru.median_rank, ru.nominal_rank, ru.name LIMIT 30;
\o :svg
WITH g AS (SELECT 230 AS x0, 640 AS w, 40 AS y0, 18 AS h, (SELECT max(nominal_rank) FROM ru) AS nmax,
                  (SELECT count(*) FROM shown) AS rows),
px AS (SELECT s.*, g.x0 + (s.rank_p05 - 1) * g.w / (g.nmax - 1) AS x05,
              g.x0 + (s.rank_p95 - 1) * g.w / (g.nmax - 1) AS x95,
              g.x0 + (s.median_rank - 1) * g.w / (g.nmax - 1) AS xmed,
              g.x0 + (s.nominal_rank - 1) * g.w / (g.nmax - 1) AS xnom,
              g.y0 + s.y * g.h AS yy
       FROM shown s, g)
SELECT concat_ws(E'\n',
  format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" font-family="sans-serif" font-size="11">',
         g.x0 + g.w + 90, g.y0 + (g.rows + 2) * g.h + 30),
  '<rect width="100%" height="100%" fill="white"/>',
  format('<text x="10" y="18" font-size="13" font-weight="bold">How sure is the 2023 ranking of provinces? rank_uncertainty(2023, 1000 runs, sinim4)</text>'),
  format('<text x="10" y="33" fill="#555">bar: 5th-95th percentile rank; dot: median; diamond: nominal rank; right: P(among the 10 most lagged)</text>'),
  -- axis: ranks 1, 10, 20, ...
  (SELECT string_agg(format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/><text x="%s" y="%s" text-anchor="middle" fill="#555">%s</text>',
                            round(g.x0 + (r - 1) * g.w / (g.nmax - 1.0), 1), g.y0 + 4,
                            round(g.x0 + (r - 1) * g.w / (g.nmax - 1.0), 1), g.y0 + (g.rows + 1) * g.h,
                            CASE WHEN r = 10 THEN '#c33' ELSE '#ddd' END,
                            round(g.x0 + (r - 1) * g.w / (g.nmax - 1.0), 1), g.y0 + (g.rows + 2) * g.h, r), E'\n')
   FROM unnest(ARRAY[1, 10, 20, 30, 40, 50]) r WHERE r <= g.nmax),
  format('<text x="%s" y="%s" text-anchor="middle" fill="#555">rank (1 = most lagged)</text>',
         g.x0 + g.w / 2, g.y0 + (g.rows + 2) * g.h + 16),
  (SELECT string_agg(format(
      '<text x="%s" y="%s" text-anchor="end">%s</text>'
      '<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#4a7ab5" stroke-width="5" stroke-linecap="round"/>'
      '<circle cx="%s" cy="%s" r="4" fill="#1b3a60"/>'
      '<path d="M %s %s l 5 5 l -5 5 l -5 -5 z" fill="none" stroke="#c33" stroke-width="1.5"/>'
      '<text x="%s" y="%s">%s</text>',
      g.x0 - 8, px.yy + 4, replace(replace(px.name, '&', '&amp;'), '<', '&lt;'),
      round(px.x05::numeric, 1), px.yy, round(px.x95::numeric, 1), px.yy,
      round(px.xmed::numeric, 1), px.yy,
      round(px.xnom::numeric, 1), px.yy - 5,
      g.x0 + g.w + 12, px.yy + 4, to_char(px.top_n_probability * 100, 'FM990') || '%'), E'\n' ORDER BY px.y)
   FROM px),
  '</svg>')
FROM g;
\o
