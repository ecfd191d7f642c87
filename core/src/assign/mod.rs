//! Assignment: who works the ticket, given the group the rules and model chose.

mod agent_fields;
mod hours;
mod pick;
mod roster;
mod strategy;

pub use hours::{HoursSpec, WorkingHours};
pub use pick::{assign, AssignRequest, AssignmentTrace, CandidateTrace};
pub use roster::{Agent, CapacityFull, Group, Presence, Roster};
pub use strategy::Strategy;
