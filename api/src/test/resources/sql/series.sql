-- generate_series(start, stop [, step]) in FROM, over constants
SELECT * FROM generate_series(1, 3);
SELECT g * 2 AS twice FROM generate_series(5, 1, -2) g;
SELECT s.x FROM generate_series(1, 10) AS s(x) WHERE x % 4 = 0;
SELECT count(*), sum(n) FROM generate_series(1, 100000) n;
SELECT * FROM generate_series(3000000000, 3000000002);
CREATE TABLE gs (id integer PRIMARY KEY, sq bigint);
INSERT INTO gs SELECT i, i * i FROM generate_series(1, 500) i;
SELECT count(*), max(sq) FROM gs;
EXPLAIN SELECT sq FROM gs JOIN generate_series(10, 12) k ON gs.id = k;
SELECT sq FROM gs JOIN generate_series(10, 12) k ON gs.id = k ORDER BY 1;
SELECT * FROM generate_series(1, 3, 0);
SELECT * FROM generate_series(1, NULL);
SELECT * FROM generate_series(1, $1);
SELECT * FROM generate_series(1.5, 3);
SELECT * FROM generate_series(1, 2000000);
SELECT * FROM unnest(1);
