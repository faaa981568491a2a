-- ANALYZE: statistics change the planner's estimates and choices
CREATE TABLE skew (id integer PRIMARY KEY, flag text, n integer);
INSERT INTO skew SELECT x, CASE WHEN x % 100 = 0 THEN 'b' ELSE 'a' END, x % 50 FROM generate_series(1, 5000) x;
CREATE INDEX skew_flag ON skew (flag);
CREATE INDEX skew_n ON skew (n);
-- never analyzed: default guesses (an equality keeps 0.5% of the rows), so the index looks good for both
EXPLAIN SELECT count(*) FROM skew WHERE flag = 'a';
ANALYZE skew;
-- 99% of the rows are 'a': a sequential scan; 1% are 'b': the index
EXPLAIN SELECT count(*) FROM skew WHERE flag = 'a';
EXPLAIN SELECT count(*) FROM skew WHERE flag = 'b';
SELECT count(*) FROM skew WHERE flag = 'b';
-- a range on n is estimated as one band: 10 of 50 values, 1,000 rows
EXPLAIN SELECT id FROM skew WHERE n >= 20 AND n < 30;
-- a value never seen
EXPLAIN SELECT id FROM skew WHERE flag = 'zzz';
ANALYZE;
ANALYZE nope;
