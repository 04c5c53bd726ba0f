fn main() {
    bivalent::main(&[peterson::entry()])
}
