/**
 * Settings an admin edits in the browser or over REST (model servers, judge threshold, normalisation format, import
 * limits), stored in PostgreSQL over the configuration file's values, audited, secrets encrypted at rest, and put in
 * force without a restart.
 */
@NullMarked
package dev.ditto.settings;

import org.jspecify.annotations.NullMarked;
