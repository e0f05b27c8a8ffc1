/**
 * Settings an admin edits in the browser or over REST, stored in PostgreSQL over the configuration file's values,
 * audited, secrets encrypted at rest, and put in force without a restart. The settings themselves belong to the
 * features: each registers a {@link dev.ditto.settings.FeatureSettings} bean (definitions, checks, how stored values
 * are applied, what runs now); this package depends on no feature (ArchitectureTest keeps it so).
 */
@NullMarked
package dev.ditto.settings;

import org.jspecify.annotations.NullMarked;
