package dev.ditto.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.method.PreAuthorizeAuthorizationManager;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.util.SimpleMethodInvocation;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Checks a controller method's {@link PreAuthorize} role before Spring MVC reads the request's body and parameters:
 * method security alone checks it when the method is called, after binding, so a viewer calling a curator's
 * endpoint with a malformed body was told 400 (and what was wrong with the body) instead of 403. The expressions of
 * the controllers name roles only ({@code hasRole}, {@code hasAnyRole}, {@code isAuthenticated}), never arguments;
 * method security still checks again at the call.
 */
@Configuration(proxyBeanMethods = false)
class RolesBeforeBinding implements WebMvcConfigurer {
    private final PreAuthorizeAuthorizationManager roles = new PreAuthorizeAuthorizationManager();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                if (!(handler instanceof HandlerMethod method) || !hasPreAuthorize(method)) {
                    return true;
                }
                MethodInvocation call = new SimpleMethodInvocation(method.getBean(), method.getMethod(),
                        new Object[method.getMethod().getParameterCount()]);
                AuthorizationResult result = roles.authorize(() -> SecurityContextHolder.getContext().getAuthentication(), call);
                if (result != null && !result.isGranted()) {
                    throw new AuthorizationDeniedException("Access Denied", result);
                }
                return true;
            }
        });
    }

    private static boolean hasPreAuthorize(HandlerMethod method) {
        return AnnotatedElementUtils.hasAnnotation(method.getMethod(), PreAuthorize.class)
                || AnnotatedElementUtils.hasAnnotation(method.getBeanType(), PreAuthorize.class);
    }
}
