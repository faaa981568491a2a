-- WHERE, ORDER BY, LIMIT / OFFSET, DISTINCT, GROUP BY / HAVING, aggregates, UNION
CREATE TABLE emp (id integer PRIMARY KEY, name text NOT NULL, dept text, salary bigint, bonus numeric);
INSERT INTO emp (id, name, dept, salary, bonus) VALUES
  (1, 'ann', 'eng', 100, 1.5), (2, 'bob', 'eng', 80, NULL), (3, 'cat', 'ops', 70, 2),
  (4, 'dan', NULL, 50, 0.25), (5, 'eve', 'ops', 70, NULL), (6, 'fay', 'eng', 120, 3);
SELECT name, salary FROM emp WHERE salary > 75 ORDER BY salary DESC;
SELECT name FROM emp WHERE dept = 'ops' AND salary >= 70 ORDER BY name;
SELECT name FROM emp WHERE dept IS NULL OR bonus IS NULL ORDER BY 1;
SELECT id, name FROM emp ORDER BY id LIMIT 2 OFFSET 3;
SELECT id FROM emp ORDER BY id DESC LIMIT 2;
SELECT DISTINCT dept FROM emp ORDER BY dept;
SELECT dept FROM emp ORDER BY dept NULLS FIRST, name;
SELECT count(*), sum(salary), avg(salary), min(name), max(bonus) FROM emp;
SELECT dept, count(*) AS n, sum(salary) AS total FROM emp GROUP BY dept ORDER BY dept;
SELECT dept, count(*) FROM emp GROUP BY dept HAVING count(*) > 1 ORDER BY 2 DESC, 1;
SELECT dept, max(salary) - min(salary) AS spread FROM emp WHERE dept IS NOT NULL GROUP BY 1 ORDER BY spread;
SELECT count(DISTINCT dept), count(dept), count(bonus) FROM emp;
SELECT salary / 10 AS band, count(*) FROM emp GROUP BY salary / 10 ORDER BY band;
SELECT upper(name) AS u FROM emp WHERE id < 3 ORDER BY u DESC;
SELECT name FROM emp ORDER BY salary + id LIMIT 3;
SELECT sum(salary) FROM emp WHERE id > 100;
SELECT count(*) FROM emp WHERE id > 100;
SELECT id FROM emp WHERE id < 3 UNION ALL SELECT id FROM emp WHERE id < 2 ORDER BY 1;
SELECT dept FROM emp UNION SELECT 'hr' ORDER BY dept;
SELECT 1 UNION SELECT 2.5 ORDER BY 1;
SELECT name, salary FROM emp GROUP BY dept;
SELECT dept, name FROM emp GROUP BY dept;
SELECT count(*) FROM emp WHERE count(*) > 1;
SELECT sum(count(*)) FROM emp;
SELECT DISTINCT dept FROM emp ORDER BY salary;
SELECT id FROM emp ORDER BY 5;
SELECT id FROM emp UNION SELECT name FROM emp;
SELECT id, name FROM emp UNION SELECT id FROM emp;
SELECT sum(name) FROM emp;
