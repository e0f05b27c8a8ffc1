package dev.ditto.users;

/** What a user may do: viewers look, curators decide on samples, admins run the platform. */
public enum Role {
    VIEWER, CURATOR, ADMIN;

    /** Spring Security authority name. */
    public String authority() {
        return "ROLE_" + name();
    }
}
