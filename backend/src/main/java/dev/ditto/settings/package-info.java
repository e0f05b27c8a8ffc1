/**
 * Settings an admin edits in the browser (model servers, judge threshold, normalisation format, import limits),
 * stored in PostgreSQL over the configuration file's values and audited; each says whether it applies at once
 * or at the next start.
 */
@NullMarked
package dev.ditto.settings;

import org.jspecify.annotations.NullMarked;
