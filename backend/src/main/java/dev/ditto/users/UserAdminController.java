package dev.ditto.users;

import java.net.URI;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Users over HTTP, for admins only (as the Users page): {@code GET /api/admin/users}, {@code POST /api/admin/users}
 * ({@code {"username", "password", "role", "displayName"}}, 201), {@code PUT /api/admin/users/{id}/role}
 * ({@code {"role": "CURATOR"}}). Passwords are stored as hashes and never answered. Every 4xx is a problem detail.
 */
@RestController
class UserAdminController {
    private final UserService users;

    UserAdminController(UserService users) {
        this.users = users;
    }

    record NewUser(@Nullable String username, @Nullable String password, @Nullable Role role, @Nullable String displayName) {}

    record RoleChange(@Nullable Role role) {}

    @GetMapping("/api/admin/users")
    @PreAuthorize("hasRole('ADMIN')")
    List<User> list() {
        return users.list();
    }

    @PostMapping("/api/admin/users")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<User> create(@RequestBody NewUser request) {
        if (request.username() == null || request.password() == null || request.role() == null) {
            throw new IllegalArgumentException("'username', 'password' (8 characters or more) and 'role' (VIEWER, CURATOR"
                    + " or ADMIN) are needed.");
        }
        User user = users.create(request.username(), request.password(), request.role(), request.displayName());
        return ResponseEntity.created(URI.create("/api/admin/users/" + user.id())).body(user);
    }

    @PutMapping("/api/admin/users/{id}/role")
    @PreAuthorize("hasRole('ADMIN')")
    User role(@PathVariable long id, @RequestBody RoleChange request) {
        if (request.role() == null) {
            throw new IllegalArgumentException("'role' is missing: VIEWER, CURATOR or ADMIN.");
        }
        User user = users.find(id).orElseThrow(() -> new NoSuchElementException("There is no user " + id + "."));
        if (user.role() == Role.ADMIN && request.role() != Role.ADMIN && user.enabled()
                && users.list().stream().filter(u -> u.role() == Role.ADMIN && u.enabled()).count() == 1) {
            throw new IllegalStateException(user.username() + " is the only enabled admin; make another user admin first.");
        }
        if (user.role() != request.role()) {
            users.changeRole(id, request.role());
        }
        return users.find(id).orElseThrow();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> invalid(IllegalArgumentException e) {
        return problem(e.getMessage().contains("already exists") ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        return problem(HttpStatus.BAD_REQUEST, "The body is not JSON of the expected shape (a role is VIEWER, CURATOR or ADMIN): "
                + e.getMostSpecificCause().getMessage());
    }

    @ExceptionHandler(IllegalStateException.class)
    ResponseEntity<ProblemDetail> state(IllegalStateException e) {
        return problem(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<ProblemDetail> missing(NoSuchElementException e) {
        return problem(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> denied(AccessDeniedException e) {
        return problem(HttpStatus.FORBIDDEN, "Managing users needs the ADMIN role.");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
