/** Schema migrations (Flyway) for the platform's PostgreSQL database. */
@NullMarked
package dev.ditto.db;

import org.jspecify.annotations.NullMarked;
