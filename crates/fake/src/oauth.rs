//! The OAuth host: `GET /oauth/authorize` (login, consent and redirect) and `POST /oauth/access_token`.

use super::config::TokenShape;
use super::control::Consent;
use super::respond::{OAuthError, graph_ok, random_string, text_response};
use super::state::{CodeGrant, GrantApi, Lifetime, Shared};
use super::tokens::{self, SHORT_LIVED_SECS};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use time::Duration;

/// Scopes of the Instagram API with Instagram Login.
pub(crate) const LOGIN_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_messages",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
];
/// Scopes of the Basic Display API.
pub(crate) const BASIC_DISPLAY_SCOPES: &[&str] = &["user_profile", "user_media"];

/// An authorization code lives one hour.
pub(crate) const CODE_LIFETIME: Duration = Duration::hours(1);

const CODE_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn invalid_scope(scope: &str) -> OAuthError {
    OAuthError::new(format!(
        "Invalid request: Request parameters are invalid: Invalid scope: {scope}"
    ))
}

/// Splits the comma-separated scope list and finds the flavour it belongs to.
fn parse_scopes(raw: &str, retired: bool) -> Result<(GrantApi, Vec<String>), OAuthError> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    let first = scopes.first().ok_or_else(|| {
        OAuthError::new("Invalid request: Request parameters are invalid: Missing scope")
    })?;
    let (flavor, family) = if LOGIN_SCOPES.contains(&first.as_str()) {
        (GrantApi::InstagramLogin, LOGIN_SCOPES)
    } else if BASIC_DISPLAY_SCOPES.contains(&first.as_str()) {
        (GrantApi::BasicDisplay, BASIC_DISPLAY_SCOPES)
    } else {
        return Err(invalid_scope(first));
    };
    if let Some(stranger) = scopes.iter().find(|s| !family.contains(&s.as_str())) {
        return Err(invalid_scope(stranger));
    }
    if retired && flavor == GrantApi::BasicDisplay {
        return Err(invalid_scope(first));
    }
    Ok((flavor, scopes))
}

/// The query parameter of the login page's links: the user to log in as.
pub(crate) const LOGIN_PARAM: &str = "fake_login";

/// `GET /oauth/authorize`: checks the request, then answers as the user
/// would (see [`Consent`]) with a redirect to `redirect_uri`. With
/// [`LOGIN_PARAM`] the browser first logs in as that user; without it, on a
/// fake with a login page and several users, the page to pick one comes
/// first.
pub(crate) fn authorize(app: &Shared, params: &[(String, String)]) -> Response {
    let login = param(params, LOGIN_PARAM);
    if let Some(name) = login {
        match app.find_user(name) {
            Some(user) => app.lock().signed_in = user,
            None => {
                return OAuthError::new(format!("Invalid request: no user named {name}"))
                    .into_response();
            }
        }
    } else if app.config.login_page && app.users.len() > 1 {
        // The request is checked first: a bad one gets Instagram's error page.
        return match check_request(app, params) {
            Ok(_) => login_page(app, params),
            Err(error) => error.into_response(),
        };
    }
    match authorize_inner(app, params) {
        Ok(location) => match HeaderValue::from_str(&location) {
            Ok(value) => {
                let mut response = text_response(StatusCode::FOUND, "text/html; charset=utf-8", "");
                response.headers_mut().insert(header::LOCATION, value);
                response
            }
            Err(_) => OAuthError::new("Invalid redirect_uri").into_response(),
        },
        Err(error) => error.into_response(),
    }
}

/// What a valid authorize request asks for.
struct Asked<'a> {
    redirect_uri: &'a str,
    flavor: GrantApi,
    scopes: Vec<String>,
}

fn check_request<'a>(
    app: &Shared,
    params: &'a [(String, String)],
) -> Result<Asked<'a>, OAuthError> {
    let config = &app.config;
    if param(params, "client_id") != Some(config.app_id.as_str()) {
        return Err(OAuthError::new("Invalid platform app"));
    }
    let redirect_uri = param(params, "redirect_uri")
        .filter(|uri| config.redirect_uris.iter().any(|r| r == uri))
        .ok_or_else(|| OAuthError::new("Invalid redirect_uri"))?;
    match param(params, "response_type") {
        Some("code") => {}
        Some(other) => return Err(OAuthError::new(format!("Invalid response_type: {other}"))),
        None => return Err(OAuthError::new("You must include a valid response_type")),
    }
    let (flavor, scopes) = parse_scopes(
        param(params, "scope").unwrap_or_default(),
        config.basic_display_retired,
    )?;
    Ok(Asked {
        redirect_uri,
        flavor,
        scopes,
    })
}

fn authorize_inner(app: &Shared, params: &[(String, String)]) -> Result<String, OAuthError> {
    let Asked {
        redirect_uri,
        flavor,
        scopes,
    } = check_request(app, params)?;
    let state = param(params, "state");
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut inner = app.lock();
    match inner.consent {
        Consent::Allow => {
            let code = format!("AQB{}", random_string(100, CODE_CHARS));
            let expires_at = inner.now() + CODE_LIFETIME;
            let user = inner.signed_in;
            inner.codes.insert(
                code.clone(),
                CodeGrant {
                    user,
                    redirect_uri: redirect_uri.to_string(),
                    scopes,
                    flavor,
                    expires_at,
                    used: false,
                },
            );
            query.append_pair("code", &code);
        }
        Consent::Deny => {
            query
                .append_pair("error", "access_denied")
                .append_pair("error_reason", "user_denied")
                .append_pair("error_description", "The user denied your request");
        }
    }
    if let Some(state) = state {
        query.append_pair("state", state);
    }
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    Ok(format!("{redirect_uri}{separator}{}#_", query.finish()))
}

/// Instagram's login form, as the fake has it: one link per user, each
/// the same authorize request logged in as them. For a person's browser
/// (`instatui fake-server`); the redirect after it carries the code.
fn login_page(app: &Shared, params: &[(String, String)]) -> Response {
    let base = format!("{}/oauth/authorize", app.base_url);
    let mut links = String::new();
    for user in &app.users {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in params.iter().filter(|(k, _)| k != LOGIN_PARAM) {
            query.append_pair(k, v);
        }
        query.append_pair(LOGIN_PARAM, &user.username);
        links.push_str(&format!(
            "<li><a href=\"{}?{}\">Log in as @{} and allow</a> ({})</li>\n",
            html(&base),
            html(&query.finish()),
            html(&user.username),
            html(&user.name),
        ));
    }
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Log in • Instagram (fake)</title></head>\
         <body><h1>Instagram (fake): log in</h1><p>Pick the account to authorize {app} for. \
         Afterwards the browser lands on the redirect URI with <code>?code=…</code>: copy that \
         address into instatui.</p><ul>\n{links}</ul></body></html>\n",
        app = html(&app.config.app_id),
    );
    text_response(StatusCode::OK, "text/html; charset=utf-8", page)
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Serialize)]
struct ShortFlat<'a> {
    access_token: &'a str,
    user_id: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<&'a [String]>,
}

#[derive(Serialize)]
struct ShortWrappedItem<'a> {
    access_token: &'a str,
    user_id: &'a str,
    permissions: String,
}

#[derive(Serialize)]
struct ShortWrapped<'a> {
    data: [ShortWrappedItem<'a>; 1],
}

/// `POST /oauth/access_token`: trades a code for a short-lived token.
pub(crate) fn access_token(app: &Shared, fields: &[(String, String)]) -> Response {
    match access_token_inner(app, fields) {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn access_token_inner(app: &Shared, fields: &[(String, String)]) -> Result<Response, OAuthError> {
    let config = &app.config;
    let required = |name: &str| {
        param(fields, name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| OAuthError::new(format!("You must provide a {name}")))
    };
    if required("client_id")? != config.app_id {
        return Err(OAuthError::new("Invalid platform app"));
    }
    if required("client_secret")? != config.app_secret {
        return Err(OAuthError::new("Error validating client secret."));
    }
    let grant_type = required("grant_type")?;
    if grant_type != "authorization_code" {
        return Err(OAuthError::new(format!(
            "Unsupported grant_type: {grant_type}"
        )));
    }
    let redirect_uri = required("redirect_uri")?;
    let code = required("code")?;

    let mut inner = app.lock();
    let now = inner.now();
    let not_found = || OAuthError::new("Matching code was not found or was already used");
    let grant = inner.codes.get_mut(code).ok_or_else(not_found)?;
    // A used code gets the same answer as an unknown one: the only
    // code-reuse answer attested for this host.
    if grant.used || now >= grant.expires_at {
        return Err(not_found());
    }
    if grant.redirect_uri != redirect_uri {
        return Err(OAuthError::new(
            "Error validating verification code. Please make sure your redirect_uri is \
             identical to the one you used in the OAuth dialog request",
        ));
    }
    grant.used = true;
    let (user, flavor, scopes) = (grant.user, grant.flavor, grant.scopes.clone());
    let token = tokens::mint(
        &mut inner,
        user,
        Lifetime::Short,
        flavor,
        scopes.clone(),
        SHORT_LIVED_SECS,
    );
    drop(inner);

    // The Instagram Login API answers with the app-scoped id, which
    // `/{id}/media` does not take (Meta documents `/me/media` or `/me`'s
    // `user_id`); the Basic Display API with the user id itself.
    let user = app.user(user);
    let exchange_id = match flavor {
        GrantApi::InstagramLogin => user.app_scoped_id.clone(),
        GrantApi::BasicDisplay => user.user_id.clone(),
    };
    let numeric_id = exchange_id
        .parse::<u64>()
        .map(serde_json::Value::from)
        .unwrap_or_else(|_| serde_json::Value::from(exchange_id.clone()));
    Ok(match config.short_token_shape {
        TokenShape::Flat => graph_ok(&ShortFlat {
            access_token: &token,
            user_id: numeric_id,
            permissions: None,
        }),
        TokenShape::FlatWithPermissions => graph_ok(&ShortFlat {
            access_token: &token,
            user_id: numeric_id,
            permissions: Some(&scopes),
        }),
        TokenShape::Wrapped => graph_ok(&ShortWrapped {
            data: [ShortWrappedItem {
                access_token: &token,
                user_id: &exchange_id,
                permissions: scopes.join(","),
            }],
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_pick_the_flavour() {
        let (flavor, scopes) = parse_scopes(
            "instagram_business_basic, instagram_business_manage_comments",
            false,
        )
        .unwrap();
        assert_eq!(flavor, GrantApi::InstagramLogin);
        assert_eq!(scopes.len(), 2);
        assert_eq!(
            parse_scopes("user_profile,user_media", false).unwrap().0,
            GrantApi::BasicDisplay
        );
    }

    #[test]
    fn unknown_mixed_and_retired_scopes_are_refused() {
        let message = |raw: &str, retired| parse_scopes(raw, retired).unwrap_err().0;
        assert_eq!(
            message("user_profile,user_media", true),
            "Invalid request: Request parameters are invalid: Invalid scope: user_profile"
        );
        assert!(message("instagram_business_basic,user_media", false).ends_with("user_media"));
        assert!(message("basic", false).ends_with("Invalid scope: basic"));
        assert!(
            message(
                "instagram_business_basic instagram_business_manage_comments",
                false
            )
            .contains("Invalid scope")
        );
        assert!(parse_scopes("", false).is_err());
    }
}
