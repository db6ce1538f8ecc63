//! `tradesim schema`: the JSON Schema of scenario and batch files accepts every shipped file,
//! rejects unknown keys and out-of-range values, and equals the files shipped in schema/.

use crate::common::tradesim;
use serde_json::Value;

fn schema(batch: bool) -> Value {
    let mut cmd = tradesim();
    cmd.arg("schema");
    if batch {
        cmd.arg("--batch");
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    let file = if batch { "schema/batch.schema.json" } else { "schema/scenario.schema.json" };
    let shipped = std::fs::read(file).unwrap();
    assert!(out == shipped, "{file} is not `tradesim schema{}`'s output: regenerate it with `tradesim schema{0} > {file}`", if batch { " --batch" } else { "" });
    serde_json::from_slice(&out).unwrap()
}

fn as_json(toml_text: &str) -> Value {
    let v: toml::Value = toml::from_str(toml_text).unwrap();
    serde_json::to_value(v).unwrap()
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn files(batch: bool) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.to_string_lossy().ends_with(".batch.toml") == batch)
        .collect();
    v.sort();
    v
}

#[test]
fn scenario_schema_accepts_every_shipped_scenario_and_rejects_bad_keys() {
    let s = schema(false);
    let validator = jsonschema::validator_for(&s).expect("a valid JSON Schema");
    let shipped = files(false);
    assert!(shipped.len() >= 8);
    for f in &shipped {
        let doc = as_json(&std::fs::read_to_string(f).unwrap());
        assert_eq!(errors(&validator, &doc), Vec::<String>::new(), "{}", f.display());
    }
    let base = std::fs::read_to_string("scenarios/sanctions_2022.toml").unwrap();
    // an unknown key at the top, in [params], in a lever
    for (bad, needle) in [
        (format!("colour = \"red\"\n{base}"), "colour"),
        (format!("{base}\n[params]\ngama = 0.5\n"), "gama"),
        (base.replacen("[[lever]]", "[[lever]]\ncoverge = 0.5", 1), "coverge"),
    ] {
        let errs = errors(&validator, &as_json(&bad));
        assert!(errs.iter().any(|e| e.contains(needle)), "{needle}: {errs:?}");
    }
    // out-of-range values, a bad date, a misspelt kind; a prior table is accepted
    let mini = "base = 2021\nstart = \"2021-01\"\nend = \"2022-12\"\n";
    for bad in [
        format!("{mini}runs = 0\n"),
        format!("{mini}[params]\nphi = 200\n"),
        format!("{mini}[params]\nsigma = {{ oil = 0.5 }}\n"),
        format!("{mini}[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-13\"\n"),
        format!("{mini}[[lever]]\nkind = \"imprt_ban\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\n"),
        format!("{mini}[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\ncoverage = 1.5\n"),
        format!("{mini}[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\ncoverage = {{ low = 0.5, hgh = 1 }}\n"),
        "start = \"2021-01\"\nend = \"2022-12\"\n".to_owned(),
    ] {
        assert!(!validator.is_valid(&as_json(&bad)), "accepted:\n{bad}");
    }
    let good = format!("{mini}[params]\nsigma = {{ oil = {{ mean = 9 }} }}\n[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = [\"RU\"]\nstart = \"2022-03\"\ncoverage = {{ low = 0.5, high = 1 }}\n");
    assert_eq!(errors(&validator, &as_json(&good)), Vec::<String>::new());
    // the descriptions come from the raw mirror's doc comments
    assert!(s["$defs"]["RawParams"]["properties"]["gamma"]["description"].as_str().unwrap().contains("Interdependence"));
}

#[test]
fn batch_schema_accepts_every_shipped_batch() {
    let s = schema(true);
    let validator = jsonschema::validator_for(&s).expect("a valid JSON Schema");
    let shipped = files(true);
    assert!(!shipped.is_empty());
    for f in &shipped {
        let text = std::fs::read_to_string(f).unwrap();
        assert_eq!(errors(&validator, &as_json(&text)), Vec::<String>::new(), "{}", f.display());
        // the parser accepts what the schema accepts, and both refuse an unknown key
        tradesim::batch::parse_batch(&text, "x").unwrap();
        // (an unknown key at the top, and in a [[vary]] table where the file has one)
        let mut bad = vec![format!("desing = \"grid\"\n{text}")];
        if text.contains("[[vary]]") {
            bad.push(text.replacen("[[vary]]", "[[vary]]\nvalue = [1]", 1));
        }
        for bad in bad {
            assert!(!validator.is_valid(&as_json(&bad)), "{}: the schema accepted\n{bad}", f.display());
            assert!(tradesim::batch::parse_batch(&bad, "x").is_err(), "{}: the parser accepted\n{bad}", f.display());
        }
    }
    // the analysis designs' keys are in the schema: a Morris batch with its own keys
    let morris = "design = \"morris\"\ntrajectories = 4\nlevels = 6\n[[scenario]]\npath = \"a.toml\"\n[[vary]]\npath = \"params.gamma\"\nprior = true\n";
    assert_eq!(errors(&validator, &as_json(morris)), Vec::<String>::new());
    assert!(!validator.is_valid(&as_json(&morris.replace("levels = 6", "levels = 1000"))));
}
