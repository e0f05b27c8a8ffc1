package dev.ditto.users;

import dev.ditto.audit.AuditLog;
import java.util.List;
import org.springframework.stereotype.Service;

/** What admins see and do about sign-in lockouts (REST and the Users page): the keys locked now, and unlocking one. */
@Service
public class SignInLockouts {
    private final LoginThrottle throttle;
    private final AuditLog audit;

    SignInLockouts(LoginThrottle throttle, AuditLog audit) {
        this.throttle = throttle;
        this.audit = audit;
    }

    /** The accounts ({@code account:<username>}) and addresses ({@code address:<ip>}) locked out now. */
    public List<LoginThrottle.Lockout> list() {
        return throttle.lockouts();
    }

    /** Lifts the key's lockout and forgets its failures (audited as {@code login.unlock}); whether it had any. */
    public boolean unlock(String key) {
        if (!throttle.unlock(key)) {
            return false;
        }
        audit.record("login.unlock", "login", key, null, null);
        return true;
    }
}
