/** The audit log for administrators: who decided what, when, with the state before and after. */
@NullMarked
package dev.ditto.ui.audit;

import org.jspecify.annotations.NullMarked;
