-- DEFAULT and CHECK in CREATE TABLE, and INSERTs that leave columns out
CREATE TABLE acct (id integer PRIMARY KEY, owner text NOT NULL DEFAULT 'nobody', balance numeric DEFAULT 0 CHECK (balance >= 0), kind integer DEFAULT 1 + 1, CONSTRAINT kind_known CHECK (kind BETWEEN 1 AND 3), CHECK (owner <> ''));
INSERT INTO acct (id) VALUES (1);
INSERT INTO acct (id, owner, balance) VALUES (2, 'ann', 10.5);
INSERT INTO acct VALUES (3, DEFAULT, DEFAULT, 3);
INSERT INTO acct (id, owner) SELECT id + 10, owner FROM acct WHERE id < 3;
SELECT * FROM acct ORDER BY id;
INSERT INTO acct (id, balance) VALUES (5, -1);
INSERT INTO acct (id, kind) VALUES (6, 7);
INSERT INTO acct (id, owner) VALUES (7, '');
UPDATE acct SET balance = balance - 100 WHERE id = 2;
INSERT INTO acct (id, balance) VALUES (8, NULL);
SELECT id, balance FROM acct WHERE id = 8;
CREATE TABLE bad (a integer CHECK (a));
CREATE TABLE bad (a integer CHECK (b > 0));
CREATE TABLE bad (a integer DEFAULT 'x');
