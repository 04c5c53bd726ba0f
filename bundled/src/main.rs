//! The bundled `bivalent` binary: the same one line as any crate's own.

fn main() {
    bivalent::main(models::registry())
}
