'use strict';
// Alerts sent to owners (see alerts.js): one row per alert, under a unique key, so each alert is
// sent once whichever replica, retried webhook or sync reports its change first.

exports.up = async function up(knex) {
  await knex.schema.createTable('terraform_alerts', table => {
    table.string('organization').notNullable();
    // The run id (run alerts), or `<workspace id>@<assessed at>` (drift alerts).
    table.string('subject').notNullable();
    // failure, needs-attention, drift.
    table.string('kind').notNullable();
    table.string('workspace_id').notNullable();
    table.timestamp('sent_at').notNullable().index();
    table.primary(['organization', 'subject', 'kind']);
  });
};

exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('terraform_alerts');
};
