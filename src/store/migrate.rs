//! Schema versions: step-by-step migration of an older `state.json` to [`STATE_VERSION`].

use super::schema::STATE_VERSION;
use serde_json::{Map, Value};

/// One step: turns the object of version `i` into version `i + 1`, apart
/// from the `version` key, which [`migrate`] sets. An `Err` says, in one
/// line, why the file cannot be migrated.
type Step = fn(&mut Map<String, Value>) -> Result<(), String>;

/// `STEPS[i]` migrates version `i` to `i + 1`. A new schema version adds
/// a step here and bumps `STATE_VERSION`; the assertion keeps them in step.
const STEPS: &[Step] = &[v0_to_v1, v1_to_v2];

const _: () = assert!(STEPS.len() == STATE_VERSION as usize);

/// Migrates `value`, read as version `from`, to [`STATE_VERSION`].
pub(crate) fn migrate(mut value: Value, from: u32) -> Result<Value, String> {
    let object = value
        .as_object_mut()
        .ok_or_else(|| "the file does not hold a JSON object".to_string())?;
    for (version, step) in STEPS.iter().enumerate().skip(from as usize) {
        step(object)?;
        object.insert("version".to_string(), Value::from(version + 1));
    }
    Ok(value)
}

/// Version 0 had no `version` key and kept the API flavour at the top level;
/// version 1 keeps it in `app.flavor`. A flavour without an app has nothing
/// to describe and is dropped; an `app.flavor` already present wins.
fn v0_to_v1(object: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(flavor) = object.remove("flavor")
        && let Some(Value::Object(app)) = object.get_mut("app")
    {
        app.entry("flavor").or_insert(flavor);
    }
    Ok(())
}

/// Version 1 had auto-refresh off by default and wrote `false` for everyone
/// who never touched it, so a stored `false` cannot tell a choice from the
/// default. Version 2 refreshes early and on by default; a `false` is
/// dropped and becomes the new default (on). A `true` was always a choice
/// and stays. Someone who had turned it off turns it off again with `a`;
/// the README says so.
fn v1_to_v2(object: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(Value::Object(settings)) = object.get_mut("settings")
        && settings.get("auto_refresh") == Some(&Value::Bool(false))
    {
        settings.remove("auto_refresh");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v0_moves_flavor_into_app() {
        let v0 = json!({"flavor": "basic-display", "app": {"app_id": "1"}});
        let v1 = migrate(v0, 0).unwrap();
        assert_eq!(
            v1,
            json!({"version": 2, "app": {"app_id": "1", "flavor": "basic-display"}})
        );
    }

    #[test]
    fn v0_keeps_an_existing_app_flavor() {
        let v0 = json!({"flavor": "basic-display", "app": {"flavor": "instagram-login"}});
        let v1 = migrate(v0, 0).unwrap();
        assert_eq!(
            v1,
            json!({"version": 2, "app": {"flavor": "instagram-login"}})
        );
    }

    #[test]
    fn v0_without_app_drops_the_flavor() {
        let v1 = migrate(json!({"flavor": "basic-display"}), 0).unwrap();
        assert_eq!(v1, json!({"version": 2}));
    }

    #[test]
    fn current_version_is_untouched() {
        let v2 = json!({"version": 2, "settings": {"auto_refresh": false}});
        assert_eq!(migrate(v2.clone(), STATE_VERSION).unwrap(), v2);
    }

    #[test]
    fn v1s_default_false_becomes_the_new_default_and_a_chosen_true_stays() {
        let off = json!({"version": 1, "settings": {"auto_refresh": false, "images": "off"}});
        assert_eq!(
            migrate(off, 1).unwrap(),
            json!({"version": 2, "settings": {"images": "off"}})
        );
        let on = json!({"version": 1, "settings": {"auto_refresh": true}});
        assert_eq!(
            migrate(on, 1).unwrap(),
            json!({"version": 2, "settings": {"auto_refresh": true}})
        );
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(migrate(json!([1, 2]), 0).is_err());
    }
}
