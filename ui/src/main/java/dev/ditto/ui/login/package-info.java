/** Sign-in. */
@NullMarked
package dev.ditto.ui.login;

import org.jspecify.annotations.NullMarked;
