/**
 * The PostgreSQL-dialect SQL front end and cost-based planner (road step 5). Empty until that
 * issue.
 */
package dev.parallax.sql;
