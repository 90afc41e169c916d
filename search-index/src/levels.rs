//! Which qualification levels satisfy a level filter: the level itself and
//! every higher one on its ladders (`data/level_ladders.txt`).

const LADDERS_TXT: &str = include_str!("../data/level_ladders.txt");

/// The levels that satisfy "at least `level`", `level` included.
pub(crate) fn at_least(level: &str) -> Vec<&str> {
    at_least_in(LADDERS_TXT, level)
}

fn at_least_in<'a>(ladders: &'a str, level: &'a str) -> Vec<&'a str> {
    let mut accepted = vec![level];
    let ladders = ladders
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'));
    for ladder in ladders {
        let rungs: Vec<&str> = ladder.split_whitespace().collect();
        if let Some(position) = rungs.iter().position(|rung| *rung == level) {
            for higher in &rungs[..position] {
                if !accepted.contains(higher) {
                    accepted.push(higher);
                }
            }
        }
    }
    accepted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_levels_satisfy_a_lower_one() {
        let cases: [(&str, &[&str]); 5] = [
            ("乙级", &["乙级", "综合", "甲级"]),
            ("甲级", &["甲级", "综合"]),
            ("二类", &["二类", "一类"]),
            ("专项", &["专项", "综合"]),
            ("特级", &["特级"]),
        ];
        for (level, expected) in cases {
            assert_eq!(at_least(level), expected, "at least {level}");
        }
    }
}
