/** The audit log: who decided what, when, with the state before and after. */
@NullMarked
package dev.ditto.audit;

import org.jspecify.annotations.NullMarked;
