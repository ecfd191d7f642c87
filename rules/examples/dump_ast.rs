fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read_to_string(path).unwrap();
    let mut e = rhai::Engine::new();
    e.set_optimization_level(rhai::OptimizationLevel::Full);
    e.register_custom_syntax_with_state_raw("rule", |s, la, st| {
        let n = match s.len() { 1 => "$string$", 2 | 3 if s.len()==2 || s[2]=="stop" => match la { "stop" if s.len()==2 => "stop", "when" => "when", _ => "$block$" }, _ => match s.last().map(|x| x.as_str()) { Some("when") => "$expr$", Some("$expr$") => "$block$", _ => { *st = rhai::Dynamic::from_bool(false); return Ok(None) } } };
        Ok(Some(n.into()))
    }, false, |_, _, _| Ok(rhai::Dynamic::UNIT));
    for f in ["contains_any","within_hours","matches","set_group","set_priority","set_category","needs_review","add_tag","prefer_skill","require_skill","set_strategy","priority_matrix"] {
        rhai::FuncRegistration::new(f).with_volatility(true).register_into_engine(&mut e, |_: rhai::Dynamic, _: rhai::Dynamic| true);
    }
    let ast = e.compile(&src).unwrap();
    for s in ast.statements() { println!("{s:?}"); }
}
