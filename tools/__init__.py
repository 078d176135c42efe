"""Tools: each module here (or package) defines TOOL and a blueprint `bp`; core discovers them."""
