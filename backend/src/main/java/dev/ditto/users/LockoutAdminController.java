package dev.ditto.users;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin REST for sign-in lockouts: the accounts ({@code account:<username>}) and client addresses
 * ({@code address:<ip>}) locked out now, and unlocking one (audited as {@code login.unlock}).
 */
@RestController
@RequestMapping("/api/admin/lockouts")
@PreAuthorize("hasRole('ADMIN')")
class LockoutAdminController {
    private final SignInLockouts lockouts;

    LockoutAdminController(SignInLockouts lockouts) {
        this.lockouts = lockouts;
    }

    @GetMapping
    List<LoginThrottle.Lockout> list() {
        return lockouts.list();
    }

    /** Forgets the key's failures and lifts its lockout: 204, or 404 when the key has none. */
    @DeleteMapping("/{key}")
    ResponseEntity<?> unlock(@PathVariable String key) {
        if (!lockouts.unlock(key)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No failed sign-ins are counted for '" + key + "'."));
        }
        return ResponseEntity.noContent().build();
    }
}
