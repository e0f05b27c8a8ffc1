/** The transactional outbox: changes to indexed rows are recorded in the same transaction as the change. */
@NullMarked
package dev.ditto.outbox;

import org.jspecify.annotations.NullMarked;
