//! An actor system where each server exposes a rewritable single-copy register. Servers do not
//! provide consensus.

use stateright::actor::register::{RegisterActor, RegisterMsg, RegisterMsg::*};
use stateright::actor::{Actor, ActorModel, Id, Network, Out};
use stateright::semantics::register::Register;
use stateright::semantics::LinearizabilityTester;
use stateright::{Checker, Expectation, Model};
use std::borrow::Cow;

type RequestId = u64;
type Value = char;

#[derive(Clone)]
pub struct SingleCopyActor;

impl Actor for SingleCopyActor {
    type Msg = RegisterMsg<RequestId, Value, ()>;
    type State = Value;
    type Timer = ();
    type Random = ();
    type Storage = ();
    fn on_start(&self, _id: Id, _storage: &Option<Self::Storage>, _o: &mut Out<Self>) -> Self::State {
        Value::default()
    }

    fn on_msg(&self, _id: Id, state: &mut Cow<Self::State>, src: Id, msg: Self::Msg, o: &mut Out<Self>) {
        match msg {
            Put(req_id, value) => {
                *state.to_mut() = value;
                o.send(src, PutOk(req_id));
            }
            Get(req_id) => {
                o.send(src, GetOk(req_id, **state));
            }
            _ => {}
        }
    }
}

#[derive(Clone)]
pub struct SingleCopyModelCfg {
    pub client_count: usize,
    pub server_count: usize,
    pub network: Network<<SingleCopyActor as Actor>::Msg>,
}

impl SingleCopyModelCfg {
    pub fn into_model(
        self,
    ) -> ActorModel<RegisterActor<SingleCopyActor>, Self, LinearizabilityTester<Id, Register<Value>>> {
        ActorModel::new(self.clone(), LinearizabilityTester::new(Register(Value::default())))
            .actors((0..self.server_count).map(|_| RegisterActor::Server(SingleCopyActor)))
            .actors(
                (0..self.client_count).map(|_| RegisterActor::Client { put_count: 1, server_count: self.server_count }),
            )
            .init_network(self.network)
            .property(Expectation::Always, "linearizable", |_, state| state.history.serialized_history().is_some())
            .property(Expectation::Sometimes, "value chosen", |_, state| {
                for env in state.network.iter_deliverable() {
                    if let RegisterMsg::GetOk(_req_id, value) = env.msg {
                        if *value != Value::default() {
                            return true;
                        }
                    }
                }
                false
            })
            .record_msg_in(RegisterMsg::record_returns)
            .record_msg_out(RegisterMsg::record_invocations)
    }
}

#[cfg(test)]
#[test]
fn can_model_single_copy_register() {
    use stateright::actor::ActorModelAction::Deliver;

    // Linearizable if only one server. DFS for this one.
    let checker =
        SingleCopyModelCfg { client_count: 2, server_count: 1, network: Network::new_unordered_nonduplicating([]) }
            .into_model()
            .checker()
            .spawn_dfs()
            .join();
    checker.assert_properties();
    #[rustfmt::skip]
    checker.assert_discovery("value chosen", vec![
        Deliver { src: Id::from(2), dst: Id::from(0), msg: Put(2, 'B') },
        Deliver { src: Id::from(0), dst: Id::from(2), msg: PutOk(2) },
        Deliver { src: Id::from(2), dst: Id::from(0), msg: Get(4) },
    ]);
    assert_eq!(checker.unique_state_count(), 93);

    // Otherwise (if more than one server) then not linearizabile. BFS this time.
    let checker =
        SingleCopyModelCfg { client_count: 2, server_count: 2, network: Network::new_unordered_nonduplicating([]) }
            .into_model()
            .checker()
            .spawn_bfs()
            .join();
    #[rustfmt::skip]
    checker.assert_discovery("linearizable", vec![
        Deliver { src: Id::from(3), dst: Id::from(1), msg: Put(3, 'B') },
        Deliver { src: Id::from(1), dst: Id::from(3), msg: PutOk(3) },
        Deliver { src: Id::from(3), dst: Id::from(0), msg: Get(6) },
        Deliver { src: Id::from(0), dst: Id::from(3), msg: GetOk(6, '\u{0}') },
    ]);
    #[rustfmt::skip]
    checker.assert_discovery("value chosen", vec![
        Deliver { src: Id::from(3), dst: Id::from(1), msg: Put(3, 'B') },
        Deliver { src: Id::from(1), dst: Id::from(3), msg: PutOk(3) },
        Deliver { src: Id::from(2), dst: Id::from(0), msg: Put(2, 'A') },
        Deliver { src: Id::from(3), dst: Id::from(0), msg: Get(6) },
    ]);
    assert_eq!(checker.unique_state_count(), 54);
}
