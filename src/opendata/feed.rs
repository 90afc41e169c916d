//! Which entries of the change log the public feed shows: pure rules over a
//! change and the few facts about its entity that the service gathers.
//!
//! An entity appears from the change that first made it public (a project's
//! first publication, an agency's admission, an offering's publication, a
//! qualification's verification, a contract's confirmation) and only with the
//! actions the public may know of. Both facts are fixed once the change is
//! written, so an entry hidden once stays hidden and paging never skips one.

use std::collections::HashMap;

/// One row of the change log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub occurred_at: chrono::NaiveDateTime,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
}

/// The action that makes an entity of this type public, if it needs one.
/// Catalogue items are public from their creation.
pub fn publishing_action(entity_type: &str) -> Option<&'static str> {
    match entity_type {
        "project" => Some("project.published"),
        "agency" => Some("agency.admitted"),
        "offering" => Some("offering.published"),
        "qualification" => Some("qualification.verified"),
        "contract" => Some("contract.confirmed"),
        _ => None,
    }
}

/// The action that creates an entity of this type, for entities that can be
/// created public at once: an offering saved as published, an agency seeded
/// as admitted. The service counts the creation as publishing when the
/// entity was public at that instant (`public_at_creation`) and no change of
/// its own ever published it.
pub fn creation_action(entity_type: &str) -> Option<&'static str> {
    match entity_type {
        "agency" => Some("agency.created"),
        "offering" => Some("offering.created"),
        _ => None,
    }
}

/// An entity was public from its creation when it became public (admitted,
/// published) at the very instant it was created, and has stayed so since.
pub fn public_at_creation(
    created_at: chrono::NaiveDateTime,
    public_since: Option<chrono::NaiveDateTime>,
) -> bool {
    public_since == Some(created_at)
}

/// Whether the public may know that this action happened to a public entity.
///
/// Hidden: every sign-up action (they are sealed until the round's sign-ups
/// open, and `project.signups_opened` then tells of them all at once); the
/// review between applicant and administrators; objections, deliveries,
/// complaints filed and proposed amendments, which stay between the parties;
/// practitioners, who are natural persons. Unknown entity types (users,
/// sessions, tokens, messages, whatever comes later) are hidden until a rule
/// here says otherwise.
pub fn public_action(entity_type: &str, action: &str) -> bool {
    match entity_type {
        "service_item" => true,
        "project" => matches!(
            action,
            "project.published"
                | "project.updated"
                | "project.signups_opened"
                | "project.failed"
                | "project.selected"
                | "project.winner_selected"
                | "project.direct_selection"
                | "project.manual_selection"
                | "project.confirmed"
                | "project.reselect"
                | "project.awarded"
                | "project.cancelled"
        ),
        "agency" => matches!(
            action,
            "agency.admitted"
                | "agency.created"
                | "agency.updated"
                | "agency.suspended"
                | "agency.suspension_ended"
                | "agency.reinstated"
                | "agency.expelled"
                | "credit.recorded"
                | "evaluation.given"
                | "evaluation.defaulted"
                | "evaluation.replied"
                | "complaint.decided"
        ),
        // An offering's changes are all public once it was published: its
        // withdrawal and the agency-wide changes that may end its being live.
        "offering" => true,
        "qualification" => action != "qualification.added",
        "contract" => matches!(
            action,
            "contract.confirmed" | "contract.amended" | "contract.stoppage" | "contract.completed"
        ),
        _ => false,
    }
}

/// What the service found out about the entities of one page.
#[derive(Debug, Default)]
pub struct Facts {
    /// (entity type, id) → the sequence number of the change that first made it public.
    pub public_from: HashMap<(String, String), i64>,
    /// A qualification's agency: its changes also wait for the agency's admission.
    pub qualification_agency: HashMap<String, String>,
    /// A contract's project, for its link.
    pub contract_project: HashMap<String, i64>,
}

impl Facts {
    fn public_at(&self, entity_type: &str, entity_id: &str, seq: i64) -> bool {
        self.public_from
            .get(&(entity_type.to_owned(), entity_id.to_owned()))
            .is_some_and(|from| *from <= seq)
    }
}

/// The link of a public entry, or `None` when the feed leaves it out.
pub fn shown(change: &Change, facts: &Facts) -> Option<String> {
    let (kind, id, seq) = (
        change.entity_type.as_str(),
        change.entity_id.as_str(),
        change.seq,
    );
    if !public_action(kind, &change.action) {
        return None;
    }
    if publishing_action(kind).is_some() && !facts.public_at(kind, id, seq) {
        return None;
    }
    match kind {
        "service_item" => Some(format!("/api/v1/service-items/{id}")),
        "project" => Some(format!("/api/v1/projects/{id}")),
        "agency" => Some(format!("/api/v1/agencies/{id}")),
        "offering" => Some(format!("/api/v1/offerings/{id}")),
        "qualification" => {
            let agency = facts.qualification_agency.get(id)?;
            facts
                .public_at("agency", agency, seq)
                .then(|| format!("/api/v1/agencies/{agency}"))
        }
        // The contract has no public resource of its own: its project's does,
        // and its OCDS releases carry the contract.
        "contract" => {
            let project = facts.contract_project.get(id)?;
            Some(format!("/api/v1/projects/{project}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: i64, entity_type: &str, entity_id: &str, action: &str) -> Change {
        Change {
            seq,
            occurred_at: chrono::NaiveDateTime::default(),
            entity_type: entity_type.into(),
            entity_id: entity_id.into(),
            action: action.into(),
        }
    }

    fn facts() -> Facts {
        let mut f = Facts::default();
        for (kind, id, from) in [
            ("project", "1", 10),
            ("agency", "5", 3),
            ("agency", "6", 40),
            ("offering", "8", 12),
            ("qualification", "20", 4),
            ("qualification", "21", 5),
            ("contract", "30", 50),
            ("offering", "9", 70),
        ] {
            f.public_from.insert((kind.into(), id.into()), from);
        }
        f.qualification_agency.insert("20".into(), "5".into());
        f.qualification_agency.insert("21".into(), "6".into());
        f.contract_project.insert("30".into(), 1);
        f
    }

    #[test]
    fn entries_show_from_the_publishing_change_with_public_actions_only() {
        let f = facts();
        let cases: &[(i64, &str, &str, &str, Option<&str>)] = &[
            (
                1,
                "service_item",
                "3",
                "service_item.created",
                Some("/api/v1/service-items/3"),
            ),
            // A project: drafts and review stay private, publication on is public.
            (8, "project", "1", "project.created", None),
            (9, "project", "1", "project.updated", None),
            (
                10,
                "project",
                "1",
                "project.published",
                Some("/api/v1/projects/1"),
            ),
            (
                11,
                "project",
                "1",
                "project.updated",
                Some("/api/v1/projects/1"),
            ),
            (12, "project", "2", "project.published", None),
            // Sealed sign-ups never appear, before or after the round opens.
            (13, "project", "1", "signup.submitted", None),
            (14, "project", "1", "signup.withdrawn", None),
            (
                15,
                "project",
                "1",
                "project.signups_opened",
                Some("/api/v1/projects/1"),
            ),
            (16, "project", "1", "objection.filed", None),
            (17, "project", "1", "project.submitted", None),
            (
                18,
                "project",
                "1",
                "project.awarded",
                Some("/api/v1/projects/1"),
            ),
            // An agency in review, and one admitted at 3.
            (2, "agency", "5", "agency.submitted", None),
            (
                3,
                "agency",
                "5",
                "agency.admitted",
                Some("/api/v1/agencies/5"),
            ),
            (20, "agency", "6", "agency.updated", None),
            (21, "agency", "5", "practitioner.added", None),
            (
                22,
                "agency",
                "5",
                "credit.recorded",
                Some("/api/v1/agencies/5"),
            ),
            // A qualification waits for its verification and its agency.
            (
                4,
                "qualification",
                "20",
                "qualification.verified",
                Some("/api/v1/agencies/5"),
            ),
            (5, "qualification", "21", "qualification.verified", None),
            (
                41,
                "qualification",
                "21",
                "qualification.expired",
                Some("/api/v1/agencies/6"),
            ),
            (11, "offering", "8", "offering.created", None),
            (
                70,
                "offering",
                "9",
                "offering.created",
                Some("/api/v1/offerings/9"),
            ),
            (
                12,
                "offering",
                "8",
                "offering.published",
                Some("/api/v1/offerings/8"),
            ),
            // A contract: the recording and its return are the parties' own.
            (45, "contract", "30", "contract.recorded", None),
            (
                50,
                "contract",
                "30",
                "contract.confirmed",
                Some("/api/v1/projects/1"),
            ),
            (51, "contract", "30", "delivery.submitted", None),
            (52, "contract", "30", "complaint.filed", None),
            (53, "contract", "30", "contract.amendment_proposed", None),
            (
                54,
                "contract",
                "30",
                "contract.amended",
                Some("/api/v1/projects/1"),
            ),
            // Personal and security entities never appear.
            (60, "user", "2", "user.registered", None),
            (61, "session", "2", "session.created", None),
            (62, "api_token", "2", "api_token.created", None),
            (63, "message", "2", "message.sent", None),
        ];
        for (seq, kind, id, action, expected) in cases {
            assert_eq!(
                shown(&change(*seq, kind, id, action), &f).as_deref(),
                *expected,
                "{seq} {kind} {id} {action}"
            );
        }
    }

    #[test]
    fn created_public_means_public_at_that_very_instant() {
        let t = chrono::NaiveDateTime::default();
        let later = t + chrono::Duration::seconds(1);
        assert!(public_at_creation(t, Some(t)));
        assert!(!public_at_creation(t, Some(later)));
        assert!(!public_at_creation(t, None));
        for kind in ["agency", "offering"] {
            let action = creation_action(kind).expect("a creation action");
            assert!(public_action(kind, action), "{kind}");
        }
    }

    #[test]
    fn every_publishing_action_is_itself_public() {
        for kind in ["project", "agency", "offering", "qualification", "contract"] {
            let action = publishing_action(kind).expect("a publishing action");
            assert!(public_action(kind, action), "{kind}");
        }
    }
}
