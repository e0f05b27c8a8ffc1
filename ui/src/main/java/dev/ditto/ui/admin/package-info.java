/**
 * Administration in the browser (admins only): users, runner tokens, settings and imports; plus the account page
 * where anyone changes their own password.
 */
@NullMarked
package dev.ditto.ui.admin;

import org.jspecify.annotations.NullMarked;
