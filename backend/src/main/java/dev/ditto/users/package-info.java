/** People who use the platform: users with hashed passwords and roles, and the API security that checks them. */
@NullMarked
package dev.ditto.users;

import org.jspecify.annotations.NullMarked;
